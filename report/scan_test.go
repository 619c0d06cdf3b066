package report

import (
	"bytes"

	"github.com/warroom/warroom/bot"
	"reflect"
	"slices"
	"testing"
)

// A memo kept between builds never changes what Build says: after a first build, with
// entries appended, with an entry's text changed (an indicator removed and another
// added), with an entry redacted, and with the timeline cut shorter.
func TestScanMemoBuildsTheSameReport(t *testing.T) {
	full := bigData(3000)
	memo := &ScanMemo{}
	check := func(name string, d Data) {
		t.Helper()
		want := Build(d)
		d.Scans = memo
		got := Build(d)
		if !reflect.DeepEqual(got.Timeline, want.Timeline) || !reflect.DeepEqual(got.IOCs, want.IOCs) {
			t.Fatalf("%s: the memo changed the report (%d vs %d indicators)", name, len(got.IOCs), len(want.IOCs))
		}
		if len(want.IOCs) == 0 {
			t.Fatalf("%s: no indicators: the test checks nothing", name)
		}
	}
	first := full
	first.Entries = full.Entries[:2000]
	check("first build", first)
	check("entries appended", full)
	changed := full
	changed.Entries = slices.Clone(full.Entries)
	i := slices.IndexFunc(changed.Entries, func(e bot.Entry) bool { return e.Seq == 8 })
	changed.Entries[i].Text = "beacon to 203.0.113.77 instead"
	check("a text changed", changed)
	changed.Entries[i].Text, changed.Entries[i].Redacted = "", true
	check("an entry redacted", changed)
	short := full
	short.Entries = full.Entries[:500]
	check("a shorter timeline", short)
}

// A report scanned on one CPU (the close's, beside live commands) is the one scanned on
// all of them, to the byte; the data holds more chunks than one worker takes at a time,
// so with several CPUs the two builds split the work differently.
func TestOneWorkerBuildsTheSameReport(t *testing.T) {
	d := bigData(4 * scanChunk)
	var want, got bytes.Buffer
	all := Build(d)
	if err := all.Markdown(&want); err != nil {
		t.Fatal(err)
	}
	d.Workers = 1
	one := Build(d)
	if err := one.Markdown(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) || len(all.IOCs) == 0 {
		t.Fatalf("one worker: %d bytes, %d indicators; every CPU: %d bytes, %d indicators", got.Len(), len(one.IOCs), want.Len(), len(all.IOCs))
	}
}
