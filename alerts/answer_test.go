package alerts

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/warroom/warroom/alerts/alert"
)

// The 202 is written without reflection; every shape it can take must be byte for byte
// json.Marshal's, with the same headers, including ids json.Marshal escapes (which take the
// marshalled way).
func TestTheAcceptedAnswerIsJSONMarshals(t *testing.T) {
	ids := []string{"", "INC-3", "TRI-12", "INC-1234567890", "a<b", "a>b", "a&b", `a"b`, `a\b`, "é", "\x7f", "\x00", "a\u2028b", "\xff", " ~"}
	n := 0
	for _, inc := range ids {
		for _, tri := range ids {
			for bits := range 8 {
				res := alert.Result{Incident: inc, Triage: tri, New: bits&1 != 0, Dropped: bits&2 != 0, Replayed: bits&4 != 0}
				want, err := json.Marshal(res)
				if err != nil {
					t.Fatal(err)
				}
				rec := httptest.NewRecorder()
				answerAccepted(rec, res)
				if got := rec.Body.String(); got != string(want)+"\n" {
					t.Fatalf("%+v: answered %q, json.Marshal writes %q", res, got, want)
				}
				if rec.Code != http.StatusAccepted || rec.Header().Get("Content-Type") != "application/json" ||
					rec.Header().Get("X-Content-Type-Options") != "nosniff" || len(rec.Header()) != 2 {
					t.Fatalf("%+v: answered %d with headers %v", res, rec.Code, rec.Header())
				}
				if _, ok := appendResult(nil, res); ok {
					n++
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no result took the reflection-free way")
	}
}
