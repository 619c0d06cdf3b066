package commands

import (
	"slices"
	"testing"
)

// A registered verb's Permission adds a row; it may not replace the table's row of an
// action that has one (a later row won the index, so a sub-verb declared with the action
// "incident redact" and ForAnyone made redaction anybody's). Such a declaration is refused
// when the package starts.
func TestARegisteredVerbCannotReplaceAnActionsRule(t *testing.T) {
	saved := slices.Clone(Policy)
	defer func() {
		Policy = saved
		policyIndex = indexPolicy()
	}()
	before := *ruleFor("incident redact")
	if before.Who != Stewards {
		t.Fatalf("this test needs a stewards-only action; incident redact is %v", before.Who)
	}
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		addRule("incident redact", ForAnyone)
		return false
	}()
	if got := *ruleFor("incident redact"); got.Who != before.Who || got.On != before.On {
		t.Fatalf("a registered verb's Permission replaced incident redact's rule: %+v, was %+v", got, before)
	}
	if !panicked {
		t.Fatal("a Permission for an action that has a rule was accepted without a word")
	}
}
