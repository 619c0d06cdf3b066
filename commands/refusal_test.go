package commands

import (
	"fmt"
	"strings"
	"testing"
)

// A command outside an incident channel is refused with a hint naming where it works. It
// names at most a few incidents (newest first), and only ones the caller may see: with
// many open, the old refusal listed every one (and checked membership of each), so it grew
// with the number of open incidents.
func TestRefusalNamesAFewIncidents(t *testing.T) {
	h := newHarness(t)
	var chans []string
	for i := 1; i <= 6; i++ {
		who := "alice"
		if i%2 == 0 {
			who = "bob"
		}
		h.declare(who, fmt.Sprintf("Incident number %d", i))
		chans = append(chans, fmt.Sprintf("#inc-%d-incident-number-%d", i, i))
	}
	h.flush()

	// dave is a lead: he may see all six; three are named, newest first, and the rest hinted.
	r := h.cmd("dave", "general", "status")
	wantContains(t, "lead", r, "Open incidents: #inc-6-incident-number-6, #inc-5-incident-number-5, #inc-4-incident-number-4 and more (/incident list shows them all).")
	for _, ch := range chans[:3] {
		wantNot(t, "lead", r, ch+",", ch+" ", ch+".")
	}
	// alice is in 1, 3 and 5 only: exactly those, no hint of more, none of bob's.
	r = h.cmd("alice", "general", "note hello")
	wantContains(t, "member", r, "Open incidents: #inc-5-incident-number-5, #inc-3-incident-number-3, #inc-1-incident-number-1.")
	if strings.Contains(r, "and more") || strings.Contains(r, "number-2") || strings.Contains(r, "number-4") || strings.Contains(r, "number-6") {
		t.Fatalf("alice's refusal names incidents she is not in or hints at more: %s", r)
	}
	// carol is in none.
	wantContains(t, "non-member", h.cmd("carol", "general", "status"), "There is no open incident that you are in")
}
