package ioc

import (
	"os"
	"slices"
	"strings"
	"testing"
)

type corpusNote struct {
	text string
	want []string // "kind value"
}

// readCorpus reads testdata/analyst-notes.txt (its header explains the format).
func readCorpus(t *testing.T) []corpusNote {
	t.Helper()
	b, err := os.ReadFile("testdata/analyst-notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	var notes []corpusNote
	for _, chunk := range strings.Split(string(b), "--- note\n")[1:] {
		var n corpusNote
		var text []string
		for _, line := range strings.Split(chunk, "\n") {
			if w, ok := strings.CutPrefix(line, "=> "); ok {
				n.want = append(n.want, w)
			} else {
				text = append(text, line)
			}
		}
		n.text = strings.Join(text, "\n")
		notes = append(notes, n)
	}
	return notes
}

// corpusOwn is the organisation the corpus notes were written in.
func corpusOwn(t *testing.T) *Own {
	t.Helper()
	own, err := NewOwn([]string{"example.com", "example-corp.net"}, []string{"10.0.0.0/8", "192.168.0.0/16", "198.51.100.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	return own
}

// The extractor against realistic analyst notes: precision (what it lists is an indicator)
// and recall (what is an indicator gets listed), both at least 0.95. Every miss and every
// false find is named. Run with -v to see the figures.
func TestCorpusPrecisionAndRecall(t *testing.T) {
	own := corpusOwn(t)
	var tp, found, expected int
	for i, n := range readCorpus(t) {
		var got []string
		for _, x := range own.Filter(Extract(n.text)) {
			got = append(got, string(x.Kind)+" "+x.Value)
		}
		for _, g := range got {
			if slices.Contains(n.want, g) {
				tp++
			} else {
				t.Logf("note %d: false find %q", i+1, g)
			}
		}
		for _, w := range n.want {
			if !slices.Contains(got, w) {
				t.Logf("note %d: missed %q", i+1, w)
			}
		}
		found += len(got)
		expected += len(n.want)
	}
	precision, recall := float64(tp)/float64(found), float64(tp)/float64(expected)
	t.Logf("corpus: %d expected, %d found, %d right: precision %.3f, recall %.3f", expected, found, tp, precision, recall)
	if expected < 50 {
		t.Fatalf("the corpus holds only %d indicators", expected)
	}
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("precision %.3f, recall %.3f; both must be at least 0.95", precision, recall)
	}
}
