package commands

// The policy matrix: every verb, button and reaction × every kind of person × {their own
// open incident, another incident, a closed incident, by INC-n from elsewhere}. The expected
// answer comes from an oracle that knows each person's standing independently of the
// engine, applied to the policy table; the engine must agree. Every refusal must name who
// may, and leave every table of the database exactly as it was (a dump is compared). Allowed
// calls run in a transaction the test store rolls back, so one database serves every case.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/actions"
	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/console"
)

const matrixRoster = `
leads: [dave]
roster:
  - {name: alice}
  - {name: bob}
  - {name: carol}
  - {name: dave}
  - {name: erin}
  - {name: frank}
  - {name: gina}
  - {name: hank}
  - {name: ivy}
  - {name: jo}
  - {name: kim}
  - {name: lou}
  - {name: sam}
  - {name: zoe}
roles: [commander, analyst, researcher, comms, scribe, legal, forensics]
nudges: {no_commander: 1w}
egress: {allow_urls: ["https://soar.example/hooks/"]}
actions:
  probe-undo:
    params: {ip: ip}
    request: {method: POST, url: https://soar.example/hooks/block}
    secret_env: PROBE_SECRET
    undo: probe-unblock
  probe-unblock:
    params: {ip: ip}
    request: {method: POST, url: https://soar.example/hooks/unblock}
    secret_env: PROBE_SECRET
  probe-approve:
    params: {ip: ip}
    request: {method: POST, url: https://soar.example/hooks/approve}
    secret_env: PROBE_SECRET
    approval: {roles: [commander]}
playbooks:
  probe:
    match: {type: other}
    actions: [probe-undo, probe-approve]
oncall:
  teams:
    secops:
      rotations:
        - {name: primary, members: [gina], length: 1w, handoff: "09:00", start: 2026-03-01}
alerts:
  sources:
    siem: {format: generic, secret_env: MATRIX_SIEM_SECRET}
  routes:
    - {match: {}, action: triage, channel: "#soc-triage"}
`

// errRolledBack is how the matrix store undoes an allowed call.
var errRolledBack = errors.New("matrix: rolled back")

// rollbackStore rolls back every transaction whose function succeeded while on is set.
type rollbackStore struct {
	inner Store
	on    bool
}

func (s *rollbackStore) Update(ctx context.Context, fn func(Tx) error) error {
	return s.inner.Update(ctx, func(tx Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if s.on {
			return errRolledBack
		}
		return nil
	})
}

// matrixActor is a kind of person: who, and the open and closed incidents where they are it.
type matrixActor struct {
	kind, who      string
	open, closed   int64
	member, lead   bool
	cmdr, scribe   bool // commander or acting commander; scribe
	paged, inTeam  bool // notified by the incident's page; in the on-call team
	otherIncMember bool
}

// matrixCase is one verb, button or reaction. {at} becomes "INC-n " when the case runs by
// INC-n from elsewhere, {n} the incident's number, {p} its page's id.
type matrixCase struct {
	action string
	also   string // a second rule that must allow too (link's other incident, a new owner's invite)
	kind   string // cmd, slash, press, react
	text   string
}

var matrixCases = []matrixCase{
	{action: "incident declare", kind: "cmd", text: "declare Matrix probe sev2"},
	{action: "incident drill", kind: "cmd", text: "drill phishing"},
	{action: "incident list", kind: "cmd", text: "list"},
	{action: "incident help", kind: "cmd", text: "help"},
	{action: "incident task", kind: "cmd", text: "task"},
	{action: "incident web", kind: "cmd", text: "web"},
	{action: "incident join", kind: "cmd", text: "join INC-{n}"},
	{action: "incident status", kind: "cmd", text: "status {at}"},
	{action: "incident roles", kind: "cmd", text: "roles {at}"},
	{action: "incident tasks", kind: "cmd", text: "tasks {at}"},
	{action: "incident checklist", kind: "cmd", text: "checklist {at}"},
	{action: "incident report", kind: "cmd", text: "report {at}"},
	{action: "incident phase", kind: "cmd", text: "phase"},
	{action: "incident phase (move)", kind: "cmd", text: "phase next --force"},
	{action: "incident sev", kind: "cmd", text: "sev 1"},
	{action: "incident type", kind: "cmd", text: "type malware"},
	{action: "incident close", kind: "cmd", text: "close benign matrix"},
	{action: "incident reopen", kind: "cmd", text: "reopen"},
	{action: "incident link", also: "link", kind: "cmd", text: "link INC-{twin}"},
	{action: "incident role", kind: "cmd", text: "role forensics me"},
	{action: "incident role (others, commander, scribe or held)", kind: "cmd", text: "role forensics @lou"},
	{action: "incident invite", kind: "cmd", text: "invite @lou"},
	{action: "incident remove", kind: "cmd", text: "remove @erin"},
	{action: "incident note", kind: "cmd", text: "note probe"},
	{action: "incident update", kind: "cmd", text: "update probe"},
	{action: "incident task add", kind: "cmd", text: "task add probe"},
	{action: "incident task add", also: "incident invite", kind: "cmd", text: "task add probe @lou"},
	{action: "incident task done", kind: "cmd", text: "task done 1"},
	{action: "incident check", kind: "cmd", text: "check 1"},
	{action: "incident lesson", kind: "cmd", text: "lesson good probe"},
	{action: "incident redact", kind: "cmd", text: "redact 1 probe"},
	{action: "incident review", kind: "cmd", text: "review {at}"},
	{action: "incident review (schedule or held)", kind: "cmd", text: "review {at}held"},
	{action: "incident remind", kind: "cmd", text: "remind {at}"},
	{action: "incident remind (snooze, off, on)", kind: "cmd", text: "remind {at}off"},
	{action: "incident clock", kind: "cmd", text: "clock {at}"},
	{action: "incident clock (start)", kind: "cmd", text: "clock {at}nis2"},
	{action: "incident clock (done)", kind: "cmd", text: "clock {at}done gdpr"},
	{action: "incident summary", kind: "cmd", text: "summary probe"},
	{action: "incident impact", kind: "cmd", text: "impact people 3 probe"},
	{action: "incident rootcause", kind: "cmd", text: "rootcause probe"},
	{action: "incident detected", kind: "cmd", text: "detected 2026-01-01T00:00:00Z probe"},
	{action: "incident assess", kind: "cmd", text: "assess malicious yes probe"},
	{action: "incident delay", kind: "cmd", text: "delay gdpr probe"},
	{action: "incident tlp", kind: "cmd", text: "tlp red"},
	{action: "incident evidence", kind: "cmd", text: "evidence"},
	{action: "incident evidence add", kind: "cmd", text: "evidence add probe"},
	{action: "incident evidence transfer", kind: "cmd", text: "evidence transfer 1 @erin probe"},
	{action: "incident evidence list", kind: "cmd", text: "evidence list {at}"},
	{action: "incident actions", kind: "cmd", text: "actions {at}"},
	{action: "incident run", kind: "cmd", text: "run probe-undo 203.0.113.10"},
	{action: "incident undo", kind: "cmd", text: "undo 1"},
	{action: "incident approve", kind: "cmd", text: "approve 2"},
	{action: "incident deny", kind: "cmd", text: "deny 2 not now"},
	{action: "press action.approve", kind: "press", text: "action.approve {n}:2"},
	{action: "press action.deny", kind: "press", text: "action.deny {n}:2"},
	{action: "press role.claim", kind: "press", text: "role.claim {n}:forensics"},
	{action: "press join.approve", kind: "press", text: "join.approve {n}:lou"},
	{action: "press page.ack", kind: "press", text: "page.ack {p}"},
	{action: "press redact.entry", kind: "press", text: "redact.entry {n}:1"},
	{action: "press alert.declare", kind: "press", text: "alert.declare 1"},
	{action: "press alert.dismiss", kind: "press", text: "alert.dismiss 1"},
	{action: "incident alerts", kind: "cmd", text: "alerts {at}"},
	{action: "react rotating_light", kind: "react", text: "rotating_light"},
	{action: "react pushpin", kind: "react", text: "pushpin"},
	{action: "react x", kind: "react", text: "x"},
	{action: "react receipt", kind: "react", text: "receipt"},
	{action: "react white_check_mark", kind: "react", text: "white_check_mark"},
	{action: "page", kind: "slash", text: "/page secops probe"},
	{action: "page list", kind: "slash", text: "/page list"},
	{action: "page ack", kind: "slash", text: "/page ack {p}"},
	{action: "oncall", kind: "slash", text: "/oncall"},
	{action: "oncall override", kind: "slash", text: "/oncall override secops @lou 1h"},
}

// matrixPageMsg is the message id of each incident's page post (for ✅).
var matrixPageMsg map[int64]string

// whoMayRe is what every refusal must contain: who may (or, for a closed incident, that it
// must be reopened and what still works).
var whoMayRe = regexp.MustCompile(`Only |only they|reopen it first|is for closed incidents|can change its on-call`)

func TestPolicyMatrix(t *testing.T) {
	rb := &rollbackStore{}
	h := newHarness(t, withRoster(matrixRoster), withStore(func(s Store) Store { rb.inner = s; return rb }))
	pages := map[int64]int64{}
	pageRe := regexp.MustCompile(`Page (\d+) sent`)
	setup := func(commanded, closed bool) int64 {
		ch := h.declare("alice", "Matrix incident")
		n := h.incident(int64(len(h.incidents()))).Number
		for _, p := range []string{"bob", "erin", "ivy", "jo", "kim", "sam", "frank"} {
			h.mustSay("alice", ch, "invite @"+p, "added")
		}
		for role, p := range map[string]string{"analyst": "erin", "researcher": "ivy", "comms": "jo", "legal": "kim", "scribe": "sam"} {
			h.mustSay("alice", ch, "role "+role+" @"+p, p+" is "+role)
		}
		steward := "alice"
		if commanded {
			h.mustSay("alice", ch, "role commander @hank", "hank is commander")
			steward = "hank"
		}
		h.mustSay(steward, ch, "remove @frank", "frank removed")
		h.mustSay(steward, ch, "task add probe task", "Task 1 added")
		h.mustSay(steward, ch, "evidence add probe item", "Evidence 1 recorded")
		h.mustSay(steward, ch, "clock gdpr", "gdpr clock started")
		h.mustSay(steward, ch, "type other", "Playbook probe")
		// Run 1 done (its answer recorded as the deliverer would), run 2 waiting for approval.
		h.mustSay(steward, ch, "run probe-undo 203.0.113.9", "Run 1 of probe-undo queued")
		calls, err := h.eng.ClaimCalls(h.ctx, 10)
		if err != nil || len(calls) != 1 {
			t.Fatalf("setup run: %v %v", calls, err)
		}
		if err := h.eng.FinishCall(h.ctx, calls[0], actions.Result{Status: 200}); err != nil {
			t.Fatal(err)
		}
		h.mustSay(steward, ch, "run probe-approve 203.0.113.8", "Run 2 of probe-approve is waiting")
		h.mustSay("lou", "general", "join INC-"+strconv.FormatInt(n, 10), "Asked to join")
		m := pageRe.FindStringSubmatch(h.do(console.Name, steward, ch, "/page secops probe page"))
		if m == nil {
			t.Fatal("setup page failed")
		}
		pages[n], _ = strconv.ParseInt(m[1], 10, 64)
		pinned := &bot.ChatMessage{ID: "m-pinned", Channel: ch, Author: bot.User{ID: "bob"}, Text: "a pasted secret", At: t0}
		wantContains(t, "pin", h.react("alice", "pushpin", pinned), "Added to the")
		if closed {
			h.mustSay(steward, ch, "close benign setup", "is closed")
		}
		return n
	}
	acting, actingClosed := setup(false, false), setup(false, true)
	commanded, commandedClosed := setup(true, false), setup(true, true)
	otherCh := h.declare("zoe", "Someone else's incident")
	other := int64(len(h.incidents()))
	h.react("zoe", "pushpin", &bot.ChatMessage{ID: "m-pinned", Channel: otherCh, Author: bot.User{ID: "zoe"}, Text: "a pasted secret", At: t0})
	m := pageRe.FindStringSubmatch(h.do(console.Name, "zoe", otherCh, "/page secops other page"))
	pages[other], _ = strconv.ParseInt(m[1], 10, 64)
	// TRI-1, for the triage buttons.
	if r, err := h.eng.IngestAlert(h.ctx, alert.Alert{Source: "siem", Key: "matrix", Status: alert.StatusFiring, Summary: "Matrix alert"}); err != nil || r.Triage != "TRI-1" {
		t.Fatalf("setup alert: %+v %v", r, err)
	}
	h.flush()
	twin := map[int64]int64{acting: commanded, commanded: acting, other: acting}

	a := func(kind, who string) matrixActor {
		return matrixActor{kind: kind, who: who, open: acting, closed: actingClosed}
	}
	actors := []matrixActor{
		a("non-member", "carol"),
		{kind: "member", who: "bob", open: acting, closed: actingClosed, member: true},
		{kind: "analyst", who: "erin", open: acting, closed: actingClosed, member: true},
		{kind: "researcher", who: "ivy", open: acting, closed: actingClosed, member: true},
		{kind: "comms", who: "jo", open: acting, closed: actingClosed, member: true},
		{kind: "legal", who: "kim", open: acting, closed: actingClosed, member: true},
		{kind: "acting commander", who: "alice", open: acting, closed: actingClosed, member: true, cmdr: true},
		{kind: "commander", who: "hank", open: commanded, closed: commandedClosed, member: true, cmdr: true},
		{kind: "scribe", who: "sam", open: acting, closed: actingClosed, member: true, scribe: true},
		{kind: "lead", who: "dave", open: acting, closed: actingClosed, lead: true},
		a("removed member", "frank"),
		{kind: "on-call of the paged team", who: "gina", open: acting, closed: actingClosed, paged: true, inTeam: true},
	}

	h.eng.webURL = "https://warroom.example" // so /incident web gets past "not enabled"
	// The setup's delivered messages are history: pruned, the dump after every refusal is
	// smaller (everything still there is compared).
	if _, err := h.db.Prune(h.ctx, h.clock.Now().Add(30*24*time.Hour), time.Nanosecond); err != nil {
		t.Fatal(err)
	}
	raw := ngOutbox(t, h.db.Path())
	matrixPageMsg = map[int64]string{}
	for n, p := range pages {
		var id string
		if err := raw.QueryRow(`SELECT message_id FROM message_refs WHERE ref = ?`, "page:"+strconv.FormatInt(p, 10)).Scan(&id); err != nil {
			t.Fatalf("the post of page %d: %v", p, err)
		}
		matrixPageMsg[n] = id
	}
	baseline := dumpAll(t, raw)
	var outcome string
	h.eng.hooks.Observe = func(_, o string, _ time.Duration) { outcome = o }
	succeeded := map[string]bool{}
	runs := 0
	for _, ac := range actors {
		for _, sit := range []string{"own", "other", "closed", "named"} {
			inc, channel := ac.open, h.incident(ac.open).ChannelID
			switch sit {
			case "other":
				inc, channel = other, otherCh
			case "closed":
				inc, channel = ac.closed, h.incident(ac.closed).ChannelID
			case "named":
				channel = "general"
			}
			for _, mc := range matrixCases {
				want := matrixExpect(mc, ac, sit, inc, twin[inc], h.incident(inc).Open(), other)
				rb.on = want != "forbidden" && want != "where"
				outcome = ""
				reply := runMatrixCase(h, mc, ac.who, channel, sit, inc, twin[inc], pages[inc])
				runs++
				what := fmt.Sprintf("%s (%s) %s on %s: %q", ac.kind, ac.who, sit, bot.FormatID(inc), mc.text)
				switch want {
				case "forbidden":
					if outcome != "forbidden" {
						t.Errorf("%s: want forbidden, got %s: %s", what, outcome, reply)
					} else if !whoMayRe.MatchString(reply) {
						t.Errorf("%s: the refusal does not say who may: %s", what, reply)
					}
				case "where":
					if outcome != "refused" || !strings.Contains(reply, "works in an incident's channel") {
						t.Errorf("%s: want where-to-run-it, got %s: %s", what, outcome, reply)
					}
				case "allowed":
					if outcome == "forbidden" {
						t.Errorf("%s: allowed by the policy but forbidden: %s", what, reply)
					}
					// "task" alone only ever answers with its usage.
					if outcome == "error" || outcome == "ok" || (mc.action == "incident task" || mc.action == "incident evidence") && strings.HasPrefix(reply, "Usage:") {
						succeeded[mc.action+" "+mc.text] = true
					}
				}
				if want == "forbidden" || want == "where" {
					if d := dumpAll(t, raw); d != baseline {
						t.Fatalf("%s: a refusal changed the database:\n%s", what, diffLines(baseline, d))
					}
				}
			}
		}
	}
	if d := dumpAll(t, raw); d != baseline {
		t.Fatalf("the matrix changed the database:\n%s", diffLines(baseline, d))
	}
	// Every row of the policy is in the matrix (a new verb needs its case here).
	covered := map[string]bool{"page (from an incident)": true} // the "page" case, sent from incident channels
	for _, mc := range matrixCases {
		covered[mc.action], covered[mc.also] = true, true
	}
	for _, r := range Policy {
		if !covered[r.Action] {
			t.Errorf("policy rule %q has no case in matrixCases", r.Action)
		}
	}
	for _, mc := range matrixCases {
		if !succeeded[mc.action+" "+mc.text] {
			t.Errorf("%q (%s) never got past its own checks for anyone: the case tests nothing", mc.text, mc.action)
		}
	}
	t.Logf("%d calls, %d actors × 4 situations × %d cases", runs, len(actors), len(matrixCases))
}

// matrixExpect is the oracle: forbidden, allowed, where (run it in an incident channel),
// or other (refused or ignored for a reason of its own, e.g. a withdrawn page).
func matrixExpect(mc matrixCase, ac matrixActor, sit string, inc, twin int64, open bool, other int64) string {
	r := ruleFor(mc.action)
	standing := func(n int64) matrixActor {
		if n == other {
			return matrixActor{lead: ac.lead}
		}
		own := n == ac.open || n == ac.closed
		switch {
		case ac.kind == "commander" && !own:
			return matrixActor{} // hank is in none of alice's incidents
		case ac.kind == "acting commander" && !own:
			return matrixActor{member: true} // alice is a plain member of hank's
		}
		return ac // everyone else has the same standing on both pairs
	}
	allows := func(r *Rule, st matrixActor, open bool) bool {
		var who bool
		switch r.Who {
		case Anyone:
			who = true
		case Members:
			who = st.member || st.lead
		case Stewards:
			who = st.lead || st.member && (st.cmdr || st.scribe)
		case Paged:
			who = ac.paged || ac.inTeam
		case TeamMembers:
			who = ac.inTeam || ac.lead
		case Rostered:
			who = true // every actor is on the roster
		}
		if !who || r.On == 0 {
			return who
		}
		return open && r.On&OnOpen != 0 || !open && r.On&OnClosed != 0
	}
	kind := mc.kind
	if mc.text == "white_check_mark" {
		kind = "press" // ✅ on a page's post acknowledges it wherever it is
	}
	switch kind {
	case "react":
		switch {
		case mc.text == "rotating_light" && sit == "named":
			return "allowed" // declares from a message outside incident channels
		case mc.text == "rotating_light" || sit == "named":
			return "other" // 🚨 in an incident channel and 📌 outside one are just emoji
		}
	case "press", "slash":
		if (strings.Contains(mc.text, "{p}") || mc.text == "white_check_mark") && !open {
			return "other" // the page was withdrawn at the close
		}
		if mc.action == "page" || r.On == 0 {
			if mc.action == "page" && sit != "named" && open {
				r = ruleFor("page (from an incident)")
				if !allows(r, standing(inc), open) {
					return "forbidden"
				}
			}
			if !allows(ruleFor(mc.action), ac, open) {
				return "forbidden"
			}
			return "allowed"
		}
	case "cmd":
		if r.On != 0 && !r.Named && sit == "named" && mc.action != "incident join" {
			return "where"
		}
	}
	if r.On == 0 {
		return "allowed"
	}
	if !allows(r, standing(inc), open) {
		return "forbidden"
	}
	switch mc.also {
	case "link":
		if twin == 0 || !allows(r, standing(twin), true) {
			return "forbidden"
		}
	case "":
	default:
		if !allows(ruleFor(mc.also), standing(inc), open) {
			return "forbidden"
		}
	}
	return "allowed"
}

// runMatrixCase runs one case and returns the reply.
func runMatrixCase(h *harness, mc matrixCase, who, channel, sit string, inc, twin, page int64) string {
	at := ""
	if sit == "named" {
		at = bot.FormatID(inc) + " "
	}
	text := strings.NewReplacer("{at}", at, "{n}", strconv.FormatInt(inc, 10), "{p}", strconv.FormatInt(page, 10),
		"{twin}", strconv.FormatInt(twin, 10)).Replace(mc.text)
	text = strings.TrimSpace(text)
	src := h.source(console.Name, who, channel)
	switch mc.kind {
	case "press":
		action, value, _ := strings.Cut(text, " ")
		return h.eng.HandlePress(h.ctx, bot.Press{Source: src, Action: action, Value: value}).Text.String()
	case "react":
		id := "m-matrix" // a message nobody pinned yet; ❌ goes on the one each incident pinned
		switch text {
		case "x":
			id = "m-pinned"
		case "white_check_mark":
			id = matrixPageMsg[inc] // the incident's page post
		}
		msg := &bot.ChatMessage{ID: id, Channel: channel, Author: bot.User{ID: "bob"}, Text: "a message worth keeping", At: t0}
		if text == "receipt" {
			msg.Files = []bot.FileReceipt{{ID: "F1", Name: "probe.txt", Size: 5, SHA256: strings.Repeat("ab", 32)}}
		}
		return h.eng.HandleReaction(h.ctx, bot.Reaction{Source: src, MessageID: msg.ID, Emoji: text, Message: msg}).Text.String()
	case "slash":
		name, rest, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
		return h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: name, Text: rest}).Text.String()
	}
	return h.eng.HandleCommand(h.ctx, bot.Command{Source: src, Name: "incident", Text: text}).Text.String()
}

// dumpAll renders every row of every table, for byte-for-byte comparison. The rendering is
// one SQL statement (quote() of every column of every row, in rowid order), so SQLite does
// the work and the matrix can afford a dump after every refusal.
func dumpAll(t *testing.T, db *sql.DB) string {
	t.Helper()
	if dumpQuery == "" {
		dumpQuery = buildDumpQuery(t, db)
	}
	rows, err := db.Query(dumpQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var table string
		var n int
		var body sql.NullString
		if err := rows.Scan(&table, &n, &body); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s (%d rows)\n%s\n", table, n, body.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var dumpQuery string

func buildDumpQuery(t *testing.T, db *sql.DB) string {
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var parts []string
	for _, table := range tables {
		cs, err := db.Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for cs.Next() {
			var c string
			if err := cs.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, `quote("`+c+`")`)
		}
		cs.Close()
		// A WITHOUT ROWID table (alert_deliveries) has no rowid: its rows are in the order
		// of their rendering, as fixed as rowid's for the comparison.
		order := "rowid"
		var keyed int
		if err := db.QueryRow(`SELECT wr FROM pragma_table_list WHERE name = ?`, table).Scan(&keyed); err != nil {
			t.Fatal(err)
		}
		if keyed == 1 {
			order = "r"
		}
		parts = append(parts, fmt.Sprintf(`SELECT '%s', (SELECT count(*) FROM "%s"), (SELECT group_concat(r, char(10)) FROM (SELECT %s AS r FROM "%s" ORDER BY %s))`,
			table, table, strings.Join(cols, "||'|'||"), table, order))
	}
	return strings.Join(parts, " UNION ALL ")
}

// diffLines shows the lines of b not in a.
func diffLines(a, b string) string {
	seen := map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		seen[l] = true
	}
	var out []string
	for _, l := range strings.Split(b, "\n") {
		if !seen[l] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
