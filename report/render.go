package report

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The template files, under templates/ (overridable with --templates DIR).
const (
	MarkdownTemplate = "report/report.md.tmpl"
	HTMLTemplate     = "report/report.html.tmpl"
)

// FallbackError says an override template is broken — Err names the file, the line and
// the reason — and that the report was nevertheless written in full with the built-in
// template: a report that goes out beats one lost to a typo. Callers log it and carry on.
type FallbackError struct{ Err error }

func (e *FallbackError) Error() string { return e.Err.Error() }
func (e *FallbackError) Unwrap() error { return e.Err }

// IsFallback reports whether err only says the built-in template was used.
func IsFallback(err error) bool {
	var fe *FallbackError
	return errors.As(err, &fe)
}

// newMarker is the placeholder the template prints where the chronology goes. It is
// random per rendering, so no text from chat can forge it.
func newMarker() string { return "WARROOM-CHRONOLOGY-" + rand.Text() }

// stream writes the rendered template with the chronology rows streamed in at each
// marker. The template output itself is small (everything but the chronology), so the
// report is never held in memory whole.
func stream(w io.Writer, out string, terr error, marker string, rows func(*bufio.Writer) error) error {
	if terr != nil && out == "" {
		return fmt.Errorf("report template: %w", terr)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	for {
		before, after, found := strings.Cut(out, marker)
		if _, err := bw.WriteString(before); err != nil {
			return err
		}
		if !found {
			break
		}
		if err := rows(bw); err != nil {
			return err
		}
		out = after
	}
	if !strings.HasSuffix(out, "\n") {
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if terr != nil {
		return &FallbackError{Err: terr}
	}
	return nil
}
