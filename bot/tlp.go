package bot

import "strings"

// TLP is a Traffic Light Protocol 2.0 label (FIRST): who may receive a piece of
// information. Higher values are more restricted; the zero value means "not labelled"
// (an entry without a label carries its incident's).
type TLP int

// The TLP 2.0 levels, from the least to the most restricted.
const (
	TLPUnset TLP = iota
	TLPClear
	TLPGreen
	TLPAmber
	TLPAmberStrict
	TLPRed
)

// TLPNames are the levels as chat and the configuration spell them, in order.
var TLPNames = []string{"clear", "green", "amber", "amber+strict", "red"}

// ParseTLP reads "red", "TLP:RED", "amber+strict" (case-insensitive). TLP 1.0's "white" is
// not accepted: TLP 2.0 renamed it clear, and a label must mean one thing.
func ParseTLP(s string) (TLP, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "tlp:")
	for i, n := range TLPNames {
		if s == n {
			return TLP(i + 1), true
		}
	}
	return TLPUnset, false
}

// Name is the level's chat spelling ("amber+strict"), "" when unset.
func (t TLP) Name() string {
	if t < TLPClear || t > TLPRed {
		return ""
	}
	return TLPNames[t-1]
}

// String is the label as it is marked on documents: "TLP:AMBER+STRICT".
func (t TLP) String() string {
	if t.Name() == "" {
		return "TLP:UNSET"
	}
	return "TLP:" + strings.ToUpper(t.Name())
}

// Or is t, or def when t is unset.
func (t TLP) Or(def TLP) TLP {
	if t == TLPUnset {
		return def
	}
	return t
}

// Allows says whether information labelled label may go to an audience cleared for t.
func (t TLP) Allows(label TLP) bool { return label <= t }

// EntryTLP is the label an entry carries: its own ("note --tlp red …" stores
// data.tlp), else the incident's.
func EntryTLP(d EntryData, incident TLP) TLP {
	if t, ok := ParseTLP(d.Str("tlp")); ok {
		return t
	}
	return incident
}
