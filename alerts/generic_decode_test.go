package alerts

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Bodies senders send, which the scanner must take itself (were it to leave them all to
// decodeStrict, FuzzGenericDecode would still pass and nothing would be saved).
var scannedBodies = []string{
	`{"summary":"Bench alert 3","severity":"high","dedup_key":"bench-3"}`,
	`{"summary":"Beacon to 203.0.113.9 from db1","details":"Cobalt Strike profile\nseen \"twice\" \u00e9\/\t","severity":2,` +
		`"dedup_key":"beacon-db1","status":"firing","observed_at":"2026-03-02T08:50:00Z","source_url":"https://siem.internal/a/77",` +
		`"labels":{"host":"db1","team":"security","ünï":"cødé"}}`,
	" \n{ \"summary\" : \"Disk full\" , \"severity\" : -1.5e+3 , \"labels\" : { } }\r\n\t",
	`{}`,
	`{"summary":"x","labels":{"a":"1","a":"2"}}`,
}

func TestTheScannerTakesWhatSendersSend(t *testing.T) {
	for _, body := range scannedBodies {
		var g, want genericBody
		if !scanGeneric([]byte(body), &g) {
			t.Errorf("%.60s: left to decodeStrict", body)
			continue
		}
		if err := decodeStrict([]byte(body), &want); err != nil || !reflect.DeepEqual(g, want) {
			t.Errorf("%.60s: scanned %+v, decodeStrict %+v %v", body, g, want, err)
		}
	}
}

// FuzzGenericDecode: whatever the body, decodeGeneric answers as decodeStrict does (the same
// fields, or the same refusal), and whatever the scanner takes, decodeStrict takes the same
// way; severityText reads a severity as json.Unmarshal does. Seeds: testdata/fuzz.
func FuzzGenericDecode(f *testing.F) {
	for _, b := range scannedBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var want genericBody
		wantErr := decodeStrict(body, &want)
		var got genericBody
		err := decodeGeneric(body, &got)
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("%q: decodeGeneric %v, decodeStrict %v", body, err, wantErr)
		}
		var scanned genericBody
		if scanGeneric(body, &scanned) && (wantErr != nil || !reflect.DeepEqual(scanned, want)) {
			t.Fatalf("%q: scanned %+v, decodeStrict %+v %v", body, scanned, want, wantErr)
		}
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: decodeGeneric %+v, decodeStrict %+v", body, got, want)
		}
		if s, ok := severityText(want.Severity); ok {
			var ref string
			if json.Unmarshal(want.Severity, &ref) != nil {
				var n json.Number
				if err := json.Unmarshal(want.Severity, &n); err != nil {
					t.Fatalf("severity %s: severityText %q, json refuses it", want.Severity, s)
				}
				ref = n.String()
			}
			if s != ref {
				t.Fatalf("severity %s: severityText %q, json %q", want.Severity, s, ref)
			}
		}
	})
}
