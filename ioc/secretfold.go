package ioc

import "strings"

// Case folding beyond ASCII. The rules match "ignoring case" — their hints ignoring ASCII
// case, the regexps with (?i) — and Go's case folding, like the IDNA mapping a browser or
// an HTTP client applies to a host name, also takes ſ (U+017F, long s) for s and K
// (U+212A, Kelvin sign) for k: they are the only characters outside ASCII that fold to an
// ASCII letter. So https://hooKs.ſlack.com/services/… is a working webhook, and the hints
// missed it. A text holding either is searched a second time with them folded to s and k,
// and those spans are mapped back onto the text as written; the spans of the text as
// written are kept too (folding can join a token to the letter before it, where the text
// as written has a boundary).
//
// Nothing wider is folded on purpose. Compatibility forms (fullwidth ｐａｓｓｗｏｒｄ,
// ligatures) are not case: folding them would need NFKC, whose many-to-many offsets make
// mapping spans back fragile, and tokens in them are not valid tokens. Masking guards
// against pasting a credential by accident; whoever writes one in disguise on purpose can
// always spell it some other way.

const (
	longS  = "\u017f"
	kelvin = "\u212a"
)

// findFolded adds to spans what find finds in text with ſ and K folded, mapped back to
// text's offsets; text without either is left to the first search alone.
func findFolded(spans []secretSpan, text string, find func(string) []secretSpan) []secretSpan {
	if !strings.Contains(text, longS) && !strings.Contains(text, kelvin) {
		return spans
	}
	var sb strings.Builder
	sb.Grow(len(text))
	at := make([]int, 0, len(text)+1) // at[i]: the offset in text of the folded text's byte i
	for i := 0; i < len(text); {
		switch {
		case strings.HasPrefix(text[i:], longS):
			sb.WriteByte('s')
			at = append(at, i)
			i += len(longS)
		case strings.HasPrefix(text[i:], kelvin):
			sb.WriteByte('k')
			at = append(at, i)
			i += len(kelvin)
		default:
			sb.WriteByte(text[i])
			at = append(at, i)
			i++
		}
	}
	at = append(at, len(text))
	for _, s := range find(sb.String()) {
		s.a, s.b = at[s.a], at[s.b]
		spans = append(spans, s)
	}
	return spans
}
