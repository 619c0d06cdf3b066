package ioc

// The hints prefilter. findSecrets used to look for every rule's hints and every key word
// with a search of its own, over a lowercased copy of the text: about thirty passes over
// each note, and a copy, for text that almost never holds a secret (a quarter of the time
// a long incident's report took). One pass now notes which hints occur at all; a rule runs
// only when one of its hints does (and its line test accepts the whole text, see
// tokenRule.line), and the lowercased copy is made only then. Each rule then works as
// before on the hints that occur, so the result is the same: a hint that does not occur
// finds no line and no key.

// hintSet is the set of hints that occur in a text, by index in allHints.
type hintSet uint64

var (
	allHints   []string       // every distinct hint, lowercase
	hintsAt    [256][]int     // by a text byte: the hints starting with it (either case)
	ruleHints  [][]int        // by token rule: its hints' indexes
	keyHintIdx []int          // keyHints' indexes
	hintIndex  map[string]int // hint -> index
)

func init() {
	hintIndex = map[string]int{}
	index := func(h string) int {
		if i, ok := hintIndex[h]; ok {
			return i
		}
		hintIndex[h] = len(allHints)
		allHints = append(allHints, h)
		return len(allHints) - 1
	}
	for _, r := range tokenRules {
		var is []int
		for _, h := range r.hints {
			is = append(is, index(h))
		}
		ruleHints = append(ruleHints, is)
	}
	for _, h := range keyHints {
		keyHintIdx = append(keyHintIdx, index(h))
	}
	if len(allHints) > 64 {
		panic("ioc: more secret hints than a hintSet holds")
	}
	for i, h := range allHints {
		c := h[0]
		hintsAt[c] = append(hintsAt[c], i)
		if c >= 'a' && c <= 'z' {
			hintsAt[c-'a'+'A'] = append(hintsAt[c-'a'+'A'], i)
		}
	}
}

// hintsIn returns the hints that occur in text, ignoring ASCII case.
func hintsIn(text string) hintSet {
	var set hintSet
	for i := 0; i < len(text); i++ {
		for _, h := range hintsAt[text[i]] {
			if set&(1<<h) == 0 && hasPrefixFold(text[i:], allHints[h]) {
				set |= 1 << h
			}
		}
	}
	return set
}

// hasPrefixFold reports whether s starts with the lowercase hint h, ignoring ASCII case.
func hasPrefixFold(s, h string) bool {
	if len(s) < len(h) {
		return false
	}
	for k := 0; k < len(h); k++ {
		c := s[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != h[k] {
			return false
		}
	}
	return true
}

// present returns those of hints (by index) that set holds, as strings; nil when none.
func (set hintSet) present(hints []int) []string {
	var out []string
	for _, h := range hints {
		if set&(1<<h) != 0 {
			out = append(out, allHints[h])
		}
	}
	return out
}
