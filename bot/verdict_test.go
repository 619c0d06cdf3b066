package bot

import (
	"fmt"
	"testing"
	"time"
)

// sealedChain builds n valid version 2 entries of INC-1; entry redact (0: none) is
// redacted and entry announce (0: none) is the redaction entry naming it.
func sealedChain(n int, redact, announce int64) []Entry {
	prev := GenesisHash
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var out []Entry
	for i := int64(1); i <= int64(n); i++ {
		e := Entry{Incident: "INC-1", Seq: i, V: 2, At: t0.Add(time.Duration(i) * time.Second), Actor: "alice", Kind: KindNote,
			Text: fmt.Sprintf("note %d", i), Data: []byte("{}"), Salt: fmt.Sprintf("%032x", i)}
		e.OccurredAt = e.At
		if i == announce {
			e.Kind, e.Data, e.Text = KindRedaction, []byte(fmt.Sprintf(`{"seq":%d}`, redact)), "redacted"
		}
		Seal(&e, prev)
		if i == redact {
			e.Text, e.Salt, e.Redacted = "", "", true
		}
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func whole(es []Entry) func(func(Entry) error) error {
	return func(fn func(Entry) error) error {
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
}

// A check kept after a prefix and extended by the rest reaches the verdict a check from
// scratch reaches, for every split point — on good chains and on broken ones.
func TestChainCheckExtendedMatchesVerifyChain(t *testing.T) {
	altered := sealedChain(8, 0, 0)
	altered[4].Text = "changed"
	unlinked := sealedChain(8, 0, 0)
	unlinked[5].Hash = unlinked[4].Hash
	cases := map[string][]Entry{
		"good":                    sealedChain(8, 0, 0),
		"redaction announced":     sealedChain(8, 3, 6),
		"redaction not announced": sealedChain(8, 3, 0),
		"altered text":            altered,
		"wrong link":              unlinked,
		"entry missing":           append(sealedChain(8, 0, 0)[:3:3], sealedChain(8, 0, 0)[4:]...),
	}
	for name, es := range cases {
		head := es[len(es)-1]
		want, _ := VerifyChain("INC-1", head.Seq, head.Hash, whole(es))
		for split := range len(es) + 1 {
			c := NewChainCheck("INC-1")
			for _, e := range es[:split] {
				c.Add(e)
			}
			kept := c.Clone()
			for _, e := range es[split:] {
				kept.Add(e)
			}
			if got := kept.Verdict(head.Seq, head.Hash); got != want {
				t.Errorf("%s, split at %d: %+v, want %+v", name, split, got, want)
			}
			// The clone did not change what it was cloned from.
			if c.Seq() != int64(min(split, len(es))) && !c.Failed() {
				t.Errorf("%s, split at %d: the original moved to %d", name, split, c.Seq())
			}
		}
		if name == "good" || name == "redaction announced" {
			if !want.OK {
				t.Errorf("%s: %+v", name, want)
			}
		} else if want.OK {
			t.Errorf("%s verifies", name)
		}
	}
}

// What an extended check vouches for is each entry as it was added: an entry altered
// after is not seen until a check starts over. This is why the web view also checks from
// scratch on a schedule; the test pins the limit down.
func TestChainCheckDoesNotReadBack(t *testing.T) {
	es := sealedChain(5, 0, 0)
	c := NewChainCheck("INC-1")
	for _, e := range es[:4] {
		c.Add(e)
	}
	es[1].Text = "altered after it was checked"
	c.Add(es[4])
	if v := c.Verdict(5, es[4].Hash); !v.OK {
		t.Fatalf("extended: %+v", v)
	}
	if v, _ := VerifyChain("INC-1", 5, es[4].Hash, whole(es)); v.OK || v.BadSeq != 2 {
		t.Fatalf("from scratch: %+v", v)
	}
}
