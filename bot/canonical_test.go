package bot

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"
)

var canonicalTimes = []time.Time{
	time.Date(2026, 12, 2, 23, 4, 5, 123456789, time.UTC),
	time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
	time.Date(999, 7, 9, 9, 9, 9, 900, time.UTC),
	time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
	time.Date(2026, 3, 29, 2, 30, 0, 5, time.FixedZone("CEST", 2*3600)),
	{},
	time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), // time.Format writes five digits: left to it
	time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
}

// The hand-written encodings give encoding/json's bytes exactly, and take the fast path for
// the plain values the writer sees (so a wrong byte there cannot hide behind the fallback).
func TestCanonicalFastPathIsExact(t *testing.T) {
	for _, at := range canonicalTimes {
		if got, want := FormatTime(at), formatTimeSlow(at); got != want {
			t.Errorf("FormatTime(%v) = %s, want %s", at, got, want)
		}
	}
	if _, ok := appendTime(nil, canonicalTimes[0]); !ok {
		t.Error("a time of this century was left to time.Format")
	}
	plain := Entry{Incident: "INC-7", Seq: 42, V: 2, At: canonicalTimes[0], OccurredAt: canonicalTimes[3], Actor: "alerts:siem", Kind: KindAlert,
		Data:       json.RawMessage(`{"alert":17,"group":3,"severity":2,"source":"siem","status":"firing"}`),
		TextCommit: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Text: "Bench alert 3 \"quoted\"\n"}
	if _, ok := canonicalV2Fast(plain); !ok {
		t.Error("an alert entry was left to encoding/json")
	}
	entries := []Entry{plain}
	vary := func(f func(e *Entry)) { e := plain; f(&e); entries = append(entries, e) }
	for _, at := range canonicalTimes {
		vary(func(e *Entry) { e.At = at })
		vary(func(e *Entry) { e.OccurredAt = at })
	}
	for _, s := range []string{"", "a<b&c>d", "Zoë", "tab\there", `back\slash`, `q"uote`, "line\u2028sep", "bad\xffutf8", "\x7f", "\x00"} {
		vary(func(e *Entry) { e.Actor = s })
		vary(func(e *Entry) { e.Kind = s })
		vary(func(e *Entry) { e.Incident = s })
	}
	for _, d := range []string{"", "{}", `{"a":"x y"}`, `{"a": 1}`, "{\n}", `{"a":"<&>"}`, `{"a":"Zoë"}`, `{"a":"q\"uote"}`, `{"a":"\\"}`,
		`{"a":[1,2]}`, `{"a":"\u2028"}`, `not json`, `{"a":`, `[1]`, `"s"`} {
		vary(func(e *Entry) { e.Data = json.RawMessage(d) })
	}
	vary(func(e *Entry) { e.V = 1 })
	vary(func(e *Entry) { e.V = 3 })
	vary(func(e *Entry) { e.Seq = -5 })
	for i, e := range entries {
		if got, want := CanonicalEntry(e), canonicalSlow(e); !bytes.Equal(got, want) {
			t.Errorf("entry %d: canonical\n%s\nwant\n%s", i, got, want)
		}
	}

	datas := []Data{
		{"alert": int64(17), "group": int64(3), "source": "siem", "status": "firing", "severity": 2},
		{"at": canonicalTimes[0], "ok": true, "no": false, "who": []string{"bob", "a<b"}, "none": []string(nil), "empty": []string{}},
		{"person": "Zoë"}, {"x": `q"uote`}, {"x": "a\tb"}, {"k<": 1}, {"zoë": 1}, {"at": canonicalTimes[7]}, {"who": []string{"ok", "Zoë"}},
		{"neg": -9, "big": int64(1) << 62}, {},
	}
	for i, d := range datas {
		got, err := EncodeData(d)
		if err != nil {
			t.Fatal(err)
		}
		keys := sortedKeys(d)
		want, err := encodeDataSlow(d, keys)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("data %d: %s, want %s (%v)", i, got, want, err)
		}
	}
	if _, ok := encodeDataFast(datas[0], sortedKeys(datas[0])); !ok {
		t.Error("an alert's data was left to encoding/json")
	}
}

func sortedKeys(d Data) []string { return slices.Sorted(maps.Keys(d)) }

// On arbitrary values the canonical entry and the data are encoding/json's bytes.
func FuzzCanonicalFastPath(f *testing.F) {
	f.Add("INC-1", "alice", "note", `{"a":1}`, "x", int64(1), int64(1764716645123456789))
	f.Add("INC-2", "Zoë", "pin", `{"a": "b"}`, "a<b", int64(-1), int64(0))
	f.Add("", "", "", "", "", int64(0), int64(-62135596800000000))
	f.Fuzz(func(t *testing.T, inc, actor, kind, data, s string, seq, nanos int64) {
		at := time.Unix(0, nanos)
		e := Entry{Incident: inc, Seq: seq, V: 2, At: at, OccurredAt: at.Add(time.Duration(seq)), Actor: actor, Kind: kind, Data: json.RawMessage(data), TextCommit: s}
		if got, want := CanonicalEntry(e), canonicalSlow(e); !bytes.Equal(got, want) {
			t.Fatalf("canonical\n%q\nwant\n%q", got, want)
		}
		if got, want := FormatTime(at), formatTimeSlow(at); got != want {
			t.Fatalf("FormatTime %s, want %s", got, want)
		}
		d := Data{"s": s, "n": seq, "who": []string{actor, kind}, "at": at}
		if checkDataValue("s", s) != nil || checkDataValue("who", d["who"]) != nil {
			return
		}
		got, err := EncodeData(d)
		want, err2 := encodeDataSlow(d, []string{"at", "n", "s", "who"})
		if err != nil || err2 != nil || !bytes.Equal(got, want) {
			t.Fatalf("data %s, want %s (%v, %v)", got, want, err, err2)
		}
	})
}
