package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
	"github.com/warroom/warroom/storage"
)

// reportMemoryLimit is the soft heap limit while writing a report. A streamed
// 100,000-entry report keeps about 28 MB of entries for Markdown or HTML and 41 MB for
// JSON (which shows their digests and hashes); the limit keeps the heap of the JSON one
// from doubling past it, which with the process's 25 MB outside the heap would cross the
// 100 MB the report must fit in.
const reportMemoryLimit = 72 << 20

// report writes an incident's lessons-learned report: to stdout, or with -o to a file
// created 0600 and put in place atomically (a reader never sees half a report, and an
// existing file is replaced whole or not at all).

func (m *Main) report(ctx context.Context, o *options, pos []string) int {
	n, err := incidentArg("report", pos)
	if err != nil {
		return m.failUsage("report", err)
	}
	format := o.format
	if format == "" || format == "markdown" {
		format = "md"
	}
	if !slices.Contains(commands.ReportFormats, format) {
		return m.failUsage("report", fmt.Errorf("--format must be md, html or json (the report) or gdpr, nis2 or sec (a notification draft), not %q", format))
	}
	audience := bot.TLPUnset
	if o.audience != "" {
		t, ok := bot.ParseTLP(o.audience)
		if !ok {
			return m.failUsage("report", fmt.Errorf("--audience must be a TLP level (tlp:clear, tlp:green, tlp:amber, tlp:amber+strict or tlp:red), not %q", o.audience))
		}
		audience = t
	}
	cfg, tpl, err := m.loadConfig(o)
	if err != nil {
		return m.fail("%v", err)
	}
	// A soft memory limit makes the collector work harder instead of letting the heap
	// double over a 100,000-entry timeline.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(reportMemoryLimit))
	pub, err := m.publicKeyFor(o)
	if err != nil {
		return m.fail("%v", err)
	}
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	var r report.Report
	err = db.View(ctx, func(tx *storage.Tx) (err error) {
		r, err = commands.StreamReport(tx, n, commands.ReportOptions{Config: cfg, Templates: tpl,
			Generator: "warroom " + buildVersion(), Now: time.Now(), PublicKey: pub, Audience: audience,
			OmitEntryHashes: format != "json"})
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return m.fail("there is no %s", bot.FormatID(n))
	}
	if err != nil {
		return m.fail("%v", err)
	}
	render := func(w io.Writer) error { return commands.RenderReport(&r, format, w) }
	if o.out == "" {
		err = render(m.Stdout)
	} else {
		err = writeFileAtomic(o.out, render)
	}
	if report.IsFallback(err) {
		fmt.Fprintf(m.Stderr, "warroom: warning: %v\n", err)
		err = nil
	}
	if err != nil {
		return m.fail("%v", err)
	}
	if o.out != "" {
		what := "report"
		if report.IsRegime(format) {
			what = format + " notification draft"
		}
		fmt.Fprintf(m.Stderr, "Wrote the %s %s (%s) to %s\n", r.Incident.ID, what, r.Classification.TLP, o.out)
	}
	return exitOK
}

// writeFileAtomic writes path through a temporary file in the same directory (mode 0600:
// a report holds the incident's details) and renames it into place once complete. The
// error of write is returned as is when it is only a report.FallbackError (the file is
// then complete).
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	warning, err := fillFile(f, write)
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	return warning
}

// fillFile writes, syncs and closes f; warning is a FallbackError from write.
func fillFile(f *os.File, write func(io.Writer) error) (warning, err error) {
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := write(bw); report.IsFallback(err) {
		warning = err
	} else if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return warning, f.Sync()
}
