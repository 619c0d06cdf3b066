package bot

import (
	"strings"
	"testing"
	"time"
)

func TestEncodeDataIsSortedAndCompact(t *testing.T) {
	raw, err := EncodeData(Data{"to": 1, "from": 2, "at": time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), "who": []string{"bob", "a<b"}, "ok": true})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"at":"2026-03-01T09:00:00.000000000Z","from":2,"ok":true,"to":1,"who":["bob","a<b"]}`
	if string(raw) != want {
		t.Fatalf("got %s\nwant %s", raw, want)
	}
	d, err := DecodeData(raw)
	if err != nil || d.Int("from") != 2 || d.Str("at") != "2026-03-01T09:00:00.000000000Z" || !d.Bool("ok") || len(d.Strs("who")) != 2 {
		t.Fatalf("decoded %v %v", d, err)
	}
	if raw, _ := EncodeData(nil); string(raw) != "{}" {
		t.Fatalf("nil data is %s", raw)
	}
}

func TestEncodeDataRefusesFreeText(t *testing.T) {
	for name, d := range map[string]Data{
		"multi-line":  {"text": "line one\nline two"},
		"overlong":    {"text": strings.Repeat("x", 300)},
		"float":       {"n": 1.5},
		"nested":      {"m": map[string]any{"a": 1}},
		"list inside": {"l": []string{"ok", "not\nok"}},
	} {
		if _, err := EncodeData(d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFreeText(t *testing.T) {
	for in, want := range map[string]string{
		"added task 3 (owner bob), due 2026-03-01T09:00:00.000000000Z: Reset: all passwords": "Reset: all passwords",
		"no free text": "",
	} {
		if got := FreeText(in); got != want {
			t.Errorf("FreeText(%q) = %q, want %q", in, got, want)
		}
	}
}
