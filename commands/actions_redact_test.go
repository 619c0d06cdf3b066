package commands

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// everywhere counts where a text still is: entry texts, entry data, action_runs rows,
// outbox payloads, and (after the WAL is truncated) the database file's bytes.
func (h *actionHarness) everywhere(t *testing.T, secret string) []string {
	h.t.Helper()
	var where []string
	for _, e := range h.entries(1) {
		if strings.Contains(e.Text, secret) {
			where = append(where, "text of entry "+strconv.FormatInt(e.Seq, 10))
		}
		if bytes.Contains(e.Data, []byte(secret)) {
			where = append(where, "data of entry "+strconv.FormatInt(e.Seq, 10))
		}
	}
	db := openRW(t, h.db.Path())
	for q, name := range map[string]string{
		`SELECT COUNT(*) FROM action_runs WHERE instr(params, ?) > 0`: "action_runs",
		`SELECT COUNT(*) FROM outbox WHERE instr(payload, ?) > 0`:     "outbox",
		`SELECT COUNT(*) FROM timeline WHERE instr(data, ?) > 0`:      "timeline data",
	} {
		var n int
		if err := db.QueryRow(q, secret).Scan(&n); err != nil {
			h.t.Fatal(err)
		}
		if n > 0 {
			where = append(where, name)
		}
	}
	if err := h.db.TruncateWAL(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	for _, f := range []string{h.db.Path(), h.db.Path() + "-wal"} {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(secret)) {
			where = append(where, "bytes of "+f)
		}
	}
	return where
}

// A run's parameters are free text of its request entry: redacting it (by number or as
// `redact run <n>`) removes them from the entry, from every entry repeating them (the
// call's URL, the undo run with the same address), from the run rows and the outbox, and
// verify still passes. A run whose parameters are still needed cannot be redacted; a
// redacted run cannot be undone; an insider who writes the parameters back is caught.
func TestActionRedactionRemovesTheParameters(t *testing.T) {
	h := newActionHarness(t)
	ch := h.ransomware()
	const ip, host, reason = "203.0.113.7", "files01.corp.example", "beacon to a known C2"
	h.mustSay("alice", ch, "run block-ip "+ip, "waiting")
	h.mustSay("bob", ch, "approve 1", "queued")
	h.step()
	h.mustSay("alice", ch, "undo 1", "Run 2 of unblock-ip queued")
	h.step()
	h.mustSay("alice", ch, "run isolate-host "+host+" "+reason, "waiting")
	// Pending: its parameters are still needed, so the redaction is refused and changes nothing.
	before := len(h.entries(1))
	req3 := h.requestSeq(3)
	wantContains(t, "pending run", h.cmd("bob", ch, "redact run 3 pasted the wrong host"), "run 3 of isolate-host, which is pending", "Deny it")
	if len(h.entries(1)) != before || h.run(1, 3).Params["host"] != host {
		t.Fatal("a refused redaction changed something")
	}
	h.mustSay("bob", ch, "approve 3", "1 of 2")
	h.mustSay("carol", ch, "approve 3", "queued")
	h.step()
	h.flush()
	for _, s := range []string{ip, host, reason} {
		if len(h.everywhere(t, s)) == 0 {
			t.Fatalf("%q is nowhere before the redaction: the test would prove nothing", s)
		}
	}

	// By number: the request entry of run 1 — its undo (run 2) holds the same address.
	r := h.mustSay("bob", ch, "redact "+strconv.FormatInt(h.requestSeq(1), 10)+" the address is confidential", "redacted")
	wantContains(t, "reply", r, "The parameters of run 1, 2 are removed")
	// As a run: run 3, whose host is also in the call's URL.
	r = h.mustSay("bob", ch, "redact run 3 wrong host pasted", "Entry "+strconv.FormatInt(req3, 10)+" of INC-1 redacted")
	wantContains(t, "reply", r, "The parameters of run 3 are removed")
	h.flush()
	for _, s := range []string{ip, host, reason, "host=" + host} {
		if where := h.everywhere(t, s); len(where) != 0 {
			t.Errorf("%q is still in %v", s, where)
		}
	}
	for k, names := range map[int64][]string{1: {"ip"}, 2: {"ip"}, 3: {"host", "reason"}} {
		got := h.run(1, k).Params
		want := bot.RedactedParams(names)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Errorf("run %d params %s, want %s", k, gj, wj)
		}
	}
	if v := h.verify(1); !v.OK {
		t.Fatalf("verify after redacting runs: %+v", v)
	}
	wantContains(t, "actions list", h.cmd("carol", ch, "actions"), "run 3: isolate-host host=[redacted] reason=[redacted] — done")
	wantContains(t, "undo a redacted run", h.cmd("alice", ch, "undo 1"), "parameters were redacted")

	// The insider writes the address back into the row: verify names the run.
	db := openRW(t, h.db.Path())
	if _, err := db.Exec(`UPDATE action_runs SET params = ? WHERE incident = 1 AND n = 1`, `{"ip":"`+ip+`"}`); err != nil {
		t.Fatal(err)
	}
	v, err := h.db.Verify(h.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.OK || !strings.Contains(v.Problem, "run 1 params") {
		t.Fatalf("verify passed parameters written back: %+v", v)
	}
}

// requestSeq is the seq of run k's request entry.
func (h *harness) requestSeq(k int64) int64 {
	h.t.Helper()
	for _, e := range h.entries(1) {
		if n, ok := requestOfRun(e); ok && n == k {
			return e.Seq
		}
	}
	h.t.Fatalf("no request entry of run %d", k)
	return 0
}
