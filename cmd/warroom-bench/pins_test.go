package main

import "testing"

// The 📌 comparison alternates A-B-B-A: over its phases each side runs the same number of
// times, as often right after the other side as right after itself, and neither always
// goes first.
func TestPinPhasesAlternateABBA(t *testing.T) {
	var got []byte
	for i := range 2 * pinPhases {
		if slackTurn(i) {
			got = append(got, 'S')
		} else {
			got = append(got, 'E')
		}
	}
	if string(got) != "SEESSEES" {
		t.Fatalf("phases %s, want SEESSEES", got)
	}
}
