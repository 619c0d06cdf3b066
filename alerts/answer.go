package alerts

import (
	"encoding/json"
	"net/http"

	"github.com/warroom/warroom/alerts/alert"
)

// The answer's two headers. Their value slices are shared by every answer, which saves two
// allocations an alert; nothing in net/http writes into a header's value slice (Add appends,
// and these have no room to append into, so it copies).
var (
	jsonContentType = []string{"application/json"}
	nosniff         = []string{"nosniff"}
)

// answerAccepted writes a 202 with res, byte for byte what json.Marshal writes for it
// (alert.Result.MarshalJSON), without reflection: it is the answer to every alert taken.
func answerAccepted(w http.ResponseWriter, res alert.Result) {
	var buf [96]byte
	b, ok := appendResult(buf[:0], res)
	if !ok {
		answer(w, http.StatusAccepted, res)
		return
	}
	writeAnswer(w, http.StatusAccepted, append(b, '\n'))
}

// appendResult appends res as json.Marshal writes it. ok is false when an id holds a byte
// json.Marshal would escape (none of warroom's do); the caller then marshals it.
func appendResult(b []byte, r alert.Result) (_ []byte, ok bool) {
	if !plainJSON(r.Incident) || !plainJSON(r.Triage) {
		return b, false
	}
	if r.Dropped {
		b = append(b, `{"dropped":true`...)
	} else {
		b = append(b, '{')
		if r.Incident != "" {
			b = append(append(append(b, `"incident":"`...), r.Incident...), `",`...)
		}
		if r.Triage != "" {
			b = append(append(append(b, `"triage":"`...), r.Triage...), `",`...)
		}
		b = append(b, `"new":`...)
		if r.New {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
	}
	if r.Replayed {
		b = append(b, `,"replayed":true`...)
	}
	return append(b, '}'), true
}

// plainJSON reports whether json.Marshal writes s between its quotes as it is: printable
// ASCII other than the quote, the backslash and the three it escapes for HTML (<, >, &).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

func answer(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	writeAnswer(w, status, append(b, '\n'))
}

func answerError(w http.ResponseWriter, status int, msg string) {
	answer(w, status, map[string]string{"error": msg})
}

// writeAnswer sends a JSON answer: its headers (set straight into the map: the keys are
// already canonical), the status and the body.
func writeAnswer(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["X-Content-Type-Options"] = nosniff
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
