package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// A run's parameters are what a person typed (an address, a user, a reason): free text.
// They live in the free text of the run's request entry — its text is committed by the
// chain, its data holds only the parameter names — so redacting the entry really removes
// them, and Verify still replays the run: from the text while it is there, as every
// parameter "[redacted]" once it is not (RunParamsOfEntry).

// RunRequestText is the text of a run's request entry: `run 3 of block-ip requested:
// {"ip":"203.0.113.7"}`, with "(undoes run 2)" before the colon for an undo.
func RunRequestText(n int64, action string, undoOf int64, params map[string]string) string {
	head := fmt.Sprintf("run %d of %s requested", n, action)
	if undoOf != 0 {
		head += fmt.Sprintf(" (undoes run %d)", undoOf)
	}
	return head + ": " + ParamsJSON(params)
}

// ParamsJSON is params as one line of JSON, keys sorted, without HTML escaping (so the
// text shows "&" as typed).
func ParamsJSON(params map[string]string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if params == nil {
		params = map[string]string{}
	}
	_ = enc.Encode(params) // a map of strings cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}

// ParamNames are the names of params, sorted: what a request entry's data holds of them.
func ParamNames(params map[string]string) []string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// RedactedParams is what a run's parameters become when its request entry is redacted:
// every name kept, every value "[redacted]".
func RedactedParams(names []string) map[string]string {
	out := make(map[string]string, len(names))
	for _, k := range names {
		out[k] = RedactedText
	}
	return out
}

// RunParamsOfEntry reads a request entry's parameters: from its text (entries written
// before the parameters moved there carry them in data.params), or, once it is redacted,
// the names in its data with every value "[redacted]". ok is false when the text does not
// hold them.
func RunParamsOfEntry(e Entry, d EntryData) (map[string]string, bool) {
	if old := d.Str("params"); old != "" {
		// Written before the parameters moved to the text: data holds them, and a
		// redaction can only mark them redacted in the row (the chain covers data).
		var p map[string]string
		if err := json.Unmarshal([]byte(old), &p); err != nil {
			return nil, false
		}
		if e.Redacted {
			return RedactedParams(ParamNames(p)), true
		}
		return p, true
	}
	if e.Redacted {
		return RedactedParams(d.Strs("param_names")), true
	}
	var p map[string]string
	if err := json.Unmarshal([]byte(FreeText(e.Text)), &p); err != nil {
		return nil, false
	}
	return p, true
}

// ParamsRedacted says whether a run's parameters were redacted.
func ParamsRedacted(params map[string]string) bool {
	for _, v := range params {
		if v == RedactedText {
			return true
		}
	}
	return false
}

// RunSecrets are the texts a redaction of a run removes from everywhere warroom keeps
// them: each value, and each as "name=value" (how posts show them), besides the request
// entry's own free text. Values shorter than 4 bytes are searched only as name=value.
func RunSecrets(params map[string]string) []string {
	var out []string
	for _, k := range ParamNames(params) {
		v := params[k]
		if v == RedactedText {
			continue
		}
		if len(v) >= minSecret {
			out = append(out, v)
		}
		out = append(out, k+"="+v)
	}
	if len(params) > 0 {
		out = append(out, ParamsJSON(params))
	}
	return out
}
