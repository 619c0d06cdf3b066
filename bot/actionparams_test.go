package bot

import (
	"encoding/json"
	"testing"
)

// A request entry's parameters, as verify replays them: from the text; as [redacted] per
// name once redacted; and for an entry written before they moved to the text, from its
// data — also [redacted] once the entry is, so redacting such an entry keeps verify passing.
func TestRunParamsOfEntry(t *testing.T) {
	params := map[string]string{"ip": "203.0.113.7", "reason": "a & b <c>"}
	text := RunRequestText(3, "block-ip", 2, params)
	if text != `run 3 of block-ip requested (undoes run 2): {"ip":"203.0.113.7","reason":"a & b <c>"}` {
		t.Fatalf("text %s", text)
	}
	names, _ := json.Marshal(ParamNames(params))
	cur, _ := DecodeData([]byte(`{"event":"request","param_names":` + string(names) + `}`))
	old, _ := DecodeData([]byte(`{"event":"request","params":"{\"ip\":\"203.0.113.7\",\"reason\":\"x\"}"}`))
	for name, c := range map[string]struct {
		e    Entry
		d    EntryData
		want string
	}{
		"text":              {Entry{Text: text}, cur, `{"ip":"203.0.113.7","reason":"a \u0026 b \u003cc\u003e"}`},
		"redacted":          {Entry{Redacted: true}, cur, `{"ip":"[redacted]","reason":"[redacted]"}`},
		"old data":          {Entry{Text: "run 3 requested by bob: block-ip ip=203.0.113.7"}, old, `{"ip":"203.0.113.7","reason":"x"}`},
		"old data redacted": {Entry{Redacted: true}, old, `{"ip":"[redacted]","reason":"[redacted]"}`},
	} {
		p, ok := RunParamsOfEntry(c.e, c.d)
		got, _ := json.Marshal(p)
		if !ok || string(got) != c.want {
			t.Errorf("%s: %s %v, want %s", name, got, ok, c.want)
		}
	}
	if _, ok := RunParamsOfEntry(Entry{Text: "run 3 of block-ip requested: not json"}, cur); ok {
		t.Error("a text without the parameters was read")
	}
	if s := RunSecrets(map[string]string{"user": "bob", "ip": "203.0.113.7"}); len(s) != 4 || s[0] != "203.0.113.7" || s[2] != "user=bob" {
		t.Errorf("secrets %q (a short value only as name=value)", s)
	}
}
