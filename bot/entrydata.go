package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Data is the structured part of a timeline entry: the change's fields ({"from":2,"to":1}
// for a severity change). Values are strings (ids, enums, roster names, RFC 3339 times),
// integers, booleans or lists of strings; free text never goes here, only in Entry.Text,
// so that a redaction removes it. Keys are written sorted, so the encoding is stable.
type Data map[string]any

// maxDataString bounds a data string: ids and names are short; a longer value is free text
// in the wrong place.
const maxDataString = 256

// EncodeData writes d as the compact JSON object an entry carries, refusing value types
// that do not belong in data (floats, nested objects, multi-line or overlong strings).
func EncodeData(d Data) (json.RawMessage, error) {
	if d == nil {
		return json.RawMessage("{}"), nil
	}
	keys := make([]string, 0, len(d))
	for k, v := range d {
		if err := checkDataValue(k, v); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if raw, ok := encodeDataFast(d, keys); ok {
		return raw, nil
	}
	return encodeDataSlow(d, keys)
}

// encodeDataSlow is EncodeData through encoding/json, for data encodeDataFast leaves to it.
func encodeDataSlow(d Data, keys []string) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	norm := make(map[string]any, len(d))
	for _, k := range keys {
		v := d[k]
		if t, ok := v.(time.Time); ok {
			v = FormatTime(t)
		}
		norm[k] = v
	}
	if err := enc.Encode(norm); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

func checkDataValue(k string, v any) error {
	switch x := v.(type) {
	case string:
		return checkDataString(k, x)
	case []string:
		for _, s := range x {
			if err := checkDataString(k, s); err != nil {
				return err
			}
		}
		return nil
	case int, int64, bool, time.Time:
		return nil
	default:
		return fmt.Errorf("entry data %q: %T does not belong in data", k, v)
	}
}

func checkDataString(k, s string) error {
	if len(s) > maxDataString || strings.ContainsAny(s, "\n\r") {
		return fmt.Errorf("entry data %q: free text belongs in the entry's text, not its data", k)
	}
	return nil
}

// EntryData is an entry's data decoded for reading: numbers as int64 where they are whole.
type EntryData map[string]any

// DecodeData reads an entry's data; an entry without data (version 1) gives an empty map.
// Most entries (notes) carry {}: that is answered without a JSON decoder, which the
// report's pass over a long timeline would otherwise spend most of its time in.
func DecodeData(raw json.RawMessage) (EntryData, error) {
	out := EntryData{}
	if len(raw) == 0 || string(raw) == "{}" {
		return out, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return out, fmt.Errorf("entry data is not a JSON object: %w", err)
	}
	for k, v := range m {
		out[k] = v
	}
	return out, nil
}

// Str is the string at k ("" when absent or not a string).
func (d EntryData) Str(k string) string {
	s, _ := d[k].(string)
	return s
}

// Int is the integer at k (0 when absent or not a whole number).
func (d EntryData) Int(k string) int64 {
	if n, ok := d[k].(json.Number); ok {
		i, _ := n.Int64()
		return i
	}
	return 0
}

// Has reports whether k is present.
func (d EntryData) Has(k string) bool { _, ok := d[k]; return ok }

// Bool is the boolean at k.
func (d EntryData) Bool(k string) bool {
	b, _ := d[k].(bool)
	return b
}

// Strs is the list of strings at k.
func (d EntryData) Strs(k string) []string {
	l, _ := d[k].([]any)
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Time is the time at k (zero when absent or malformed).
func (d EntryData) Time(k string) time.Time {
	t, _ := ParseTime(d.Str(k))
	return t
}

// FreeText is the free-text part of an entry's text: for kinds whose text is a summary
// then ": " then what someone wrote (a task's text, a title, a resolution), what follows the
// first ": "; the whole text otherwise. Summaries are built from data values, which never
// hold ": ".
func FreeText(text string) string {
	if _, rest, ok := strings.Cut(text, ": "); ok {
		return rest
	}
	return ""
}
