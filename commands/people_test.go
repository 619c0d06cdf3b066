package commands

import (
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

const allRoles = "Roles: commander, analyst, researcher, comms, scribe, legal."

func TestRole(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")
	h.flush()

	// Taking a role yourself needs no rights.
	wantContains(t, "take analyst", h.cmd("bob", ch, "role analyst me"), "bob is analyst.")
	if r := h.roles(1); r["analyst"] != "bob" {
		t.Errorf("roles %v", r)
	}
	if e := h.last(1); e.Kind != bot.KindRole || e.Text != "bob is analyst" || e.Actor != "bob" {
		t.Errorf("entry %+v", e)
	}
	out := h.flush()
	wantContains(t, "console", out, "] warroom: bob is analyst.", "[@bob 2] warroom: ", "analyst: bob")

	h.unchanged(1, func() {
		wantContains(t, "same holder", h.cmd("bob", ch, "role analyst @bob"), "bob is already analyst of INC-1.")
		wantContains(t, "for someone else", h.cmd("bob", ch, "role comms @carol"),
			"Only the commander (alice, acting), the scribe (none yet) or a lead (dave) can run /incident role comms (for someone else) on INC-1.")
		wantContains(t, "take commander", h.cmd("bob", ch, "role commander me"), "Only the commander (alice, acting)")
		wantContains(t, "take scribe", h.cmd("bob", ch, "role scribe me"), "can run /incident role scribe (it carries the commander's powers)")
		wantContains(t, "unknown role", h.cmd("bob", ch, "role janitor me"), `Unknown role "janitor". `+allRoles)
		wantContains(t, "missing user", h.cmd("bob", ch, "role analyst"), "Usage: /incident role <role> <@user|me>. "+allRoles)
		wantContains(t, "missing everything", h.cmd("bob", ch, "role"), "Usage: /incident role <role> <@user|me>.")
		wantContains(t, "not a mention", h.cmd("alice", ch, "role analyst carol"), `"carol" is not a user: write @name or me.`)
		wantContains(t, "not a name", h.cmd("alice", ch, "role analyst @Bad!Name"), "Unknown user @bad!name")
		wantContains(t, "empty mention", h.cmd("alice", ch, "role analyst <@>"), `"<@>" is not a user.`)
		wantContains(t, "non-member", h.cmd("carol", ch, "role analyst me"), "You are not a member of INC-1.")
		wantContains(t, "outside", h.cmd("bob", "general", "role analyst me"), "/incident role works in an incident's channel.")
	})

	// The (acting) commander gives roles to others, who are brought in.
	wantContains(t, "give researcher", h.cmd("alice", ch, "role researcher @Carol"), "carol is researcher, assigned by alice.")
	if !slices.Contains(h.members(1), "carol") {
		t.Errorf("carol was not brought into the incident: %v", h.members(1))
	}
	wantContains(t, "console", h.flush(), "* carol added to the channel", "[@carol 1] warroom: ")
	wantContains(t, "hand over", h.cmd("alice", ch, "role analyst <@carol>"), "carol is analyst (was bob), assigned by alice.")
	if r := h.roles(1); r["analyst"] != "carol" || r["researcher"] != "carol" {
		t.Errorf("roles %v", r)
	}

	// Giving commander ends "acting", and with it the declarer's rights.
	wantContains(t, "commander", h.cmd("alice", ch, "role commander @bob"), "bob is commander, assigned by alice.")
	roles := h.cmd("carol", ch, "roles")
	wantContains(t, "roles", roles, "• commander: bob\n")
	wantNot(t, "roles", roles, "acting")
	wantContains(t, "card and topic", h.flush(), "Commander: bob · analyst: carol · researcher: carol", "topic: Phishing wave · sev3 medium · identification · commander bob")
	h.unchanged(1, func() {
		wantContains(t, "former acting commander", h.cmd("alice", ch, "sev 1"), "Only the commander (bob), the scribe (none yet) or a lead (dave)")
	})
	wantContains(t, "new commander", h.cmd("bob", ch, "sev 1"), "now sev1")
	wantContains(t, "lead takes commander", h.cmd("dave", ch, "role commander me"), "dave is commander (was bob).")
	if !slices.Contains(h.members(1), "dave") {
		t.Error("the lead taking commander was not made a member")
	}
	h.verify(1)
}

func TestActingCommanderTakesTheRole(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	wantContains(t, "take", h.cmd("alice", ch, "role commander me"), "alice is commander.")
	r := h.cmd("alice", ch, "roles")
	wantContains(t, "roles", r, "• commander: alice\n", "• analyst: —", "Members: alice")
	wantNot(t, "roles", r, "acting")
	wantContains(t, "list", h.cmd("alice", "general", "list"), "commander alice ·")
}

func TestRoles(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "role scribe @bob", "bob is scribe")
	want := "Roles on INC-1:\n• commander: alice (acting)\n• analyst: —\n• researcher: —\n• comms: —\n• scribe: bob\n• legal: —\nMembers: alice, bob"
	if r := h.cmd("bob", ch, "roles"); r != want {
		t.Errorf("roles:\n%s\nwant:\n%s", r, want)
	}
	if r := h.cmd("bob", "general", "roles INC-1"); r != want {
		t.Errorf("roles INC-1:\n%s", r)
	}
	wantContains(t, "outside", h.cmd("bob", "general", "roles"), "/incident roles works in an incident's channel (or name one: /incident roles INC-n).")
	wantContains(t, "non-member", h.cmd("carol", "general", "roles INC-1"), "You are not a member of INC-1.")
}

func TestInvite(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.flush()
	wantContains(t, "ok", h.cmd("alice", ch, "invite @bob"), "bob added to INC-1.")
	if m := h.members(1); !slices.Equal(m, []string{"alice", "bob"}) {
		t.Errorf("members %v", m)
	}
	if e := h.last(1); e.Kind != bot.KindMember || e.Text != "bob added by alice" {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "console", h.flush(), "[#inc-1-phishing-wave] * bob added to the channel", "warroom: alice added bob to INC-1.",
		"[@bob 1] warroom: alice added you to INC-1 (Phishing wave): #inc-1-phishing-wave")
	wantContains(t, "mention form, by a lead", h.cmd("dave", ch, "invite <@carol>"), "carol added to INC-1.")

	h.unchanged(1, func() {
		wantContains(t, "already", h.cmd("alice", ch, "invite @bob"), "bob is already in INC-1.")
		wantContains(t, "forbidden", h.cmd("bob", ch, "invite @dave"), "Only the commander (alice, acting), the scribe (none yet) or a lead (dave) can run /incident invite on INC-1.")
		wantContains(t, "missing", h.cmd("alice", ch, "invite"), "Usage: /incident invite @user")
		wantContains(t, "two", h.cmd("alice", ch, "invite @dave @carol"), "Usage: /incident invite @user")
		wantContains(t, "not a user", h.cmd("alice", ch, "invite dave"), `"dave" is not a user`)
	})
}

func TestRemove(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "role analyst @bob", "bob is analyst")
	h.mustSay("alice", ch, "role scribe @bob", "bob is scribe")
	h.mustSay("alice", ch, "invite @carol", "added")
	h.flush()

	h.unchanged(1, func() {
		wantContains(t, "self", h.cmd("alice", ch, "remove me"), "You cannot remove yourself")
		wantContains(t, "self by name", h.cmd("alice", ch, "remove @alice"), "You cannot remove yourself")
		wantContains(t, "not a member", h.cmd("alice", ch, "remove @dave"), "dave is not in INC-1.")
		wantContains(t, "forbidden", h.cmd("carol", ch, "remove @bob"), "Only the commander (alice, acting), the scribe (bob) or a lead (dave) can run /incident remove on INC-1.")
		wantContains(t, "missing", h.cmd("alice", ch, "remove"), "Usage: /incident remove @user")
	})

	wantContains(t, "ok", h.cmd("alice", ch, "remove @bob"), "bob removed by alice (no longer analyst, scribe).")
	if r := h.roles(1); len(r) != 0 {
		t.Errorf("roles after removal %v", r)
	}
	if m := h.members(1); !slices.Equal(m, []string{"alice", "carol"}) {
		t.Errorf("members %v", m)
	}
	if e := h.last(1); e.Kind != bot.KindMember || e.Text != "bob removed by alice (no longer analyst, scribe)" {
		t.Errorf("entry %+v", e)
	}
	out := h.flush()
	wantContains(t, "console", out, "* bob removed from the channel", "warroom: bob removed by alice (no longer analyst, scribe).", "Commander: alice (acting)\n")
	// bob is out: no more rights as scribe, not even as a member.
	wantContains(t, "removed scribe", h.cmd("bob", ch, "note still here?"), "You are not a member of INC-1.")
	// Without roles to end the card is not refreshed.
	wantContains(t, "plain member", h.cmd("dave", ch, "remove @carol"), "carol removed by dave.")
	wantNot(t, "no card refresh", h.flush(), "(edited)")
	h.verify(1)
}

func TestJoinAndApprove(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @carol", "added")
	h.flush()

	wantContains(t, "ask", h.cmd("bob", "general", "join INC-1"), "Asked to join INC-1; you will be added when the commander approves.")
	if e := h.last(1); e.Kind != bot.KindJoin || e.Text != "bob asked to join" || e.Actor != "bob" {
		t.Errorf("entry %+v", e)
	}
	if slices.Contains(h.members(1), "bob") {
		t.Fatal("asking made bob a member")
	}
	wantContains(t, "channel", channelLines(h.flush(), ch),
		"warroom: bob asks to join INC-1. The commander (or scribe, or a lead) can approve, or run /incident invite @bob.", "  [Approve]")

	h.unchanged(1, func() {
		wantContains(t, "plain member presses", h.press("carol", ch, "join.approve", "1:bob"),
			"Only the commander (alice, acting), the scribe (none yet) or a lead (dave) can run /incident invite on INC-1.")
		wantContains(t, "asker presses", h.press("bob", ch, "join.approve", "1:bob"), "Only its commander, its scribe and the leads")
		wantContains(t, "malformed", h.press("alice", ch, "join.approve", "bob"), "That button is malformed.")
		wantContains(t, "unknown incident", h.press("alice", ch, "join.approve", "9:bob"), "There is no INC-9.")
		wantContains(t, "unknown button", h.press("alice", ch, "page.snooze", "1"), "That button is no longer handled by this version of warroom.")
		wantContains(t, "join twice is fine but a member cannot", h.cmd("carol", "general", "join INC-1"), "You are already in INC-1: #inc-1-phishing-wave.")
		wantContains(t, "unknown", h.cmd("bob", "general", "join INC-9"), "There is no INC-9.")
		wantContains(t, "bad id", h.cmd("bob", "general", "join soon"), `"soon" is not an incident id`)
		wantContains(t, "missing", h.cmd("bob", "general", "join"), "Usage: /incident join INC-n")
	})

	wantContains(t, "approved", h.press("alice", ch, "join.approve", "1:bob"), "bob added to INC-1.")
	if !slices.Contains(h.members(1), "bob") {
		t.Errorf("members %v", h.members(1))
	}
	if e := h.last(1); e.Kind != bot.KindMember || e.Text != "bob added by alice" {
		t.Errorf("entry %+v", e)
	}
	wantContains(t, "console", h.flush(), "* bob added to the channel", "[@bob 1] warroom: alice added you to INC-1")
	h.unchanged(1, func() {
		wantContains(t, "approved twice", h.press("alice", ch, "join.approve", "1:bob"), "bob is already in INC-1.")
	})

	// A lead may approve too; closed incidents take no one.
	h.mustSay("dave", "general", "join INC-1", "Asked to join")
	h.cmd("alice", "general", "join INC-1") // alice is a member already
	wantContains(t, "lead approves", h.press("dave", ch, "join.approve", "1:dave"), "dave added to INC-1.")
	h.mustSay("alice", ch, "close true-positive", "closed")
	h.unchanged(1, func() {
		wantContains(t, "join closed", h.cmd("carol", "general", "join INC-1"), "INC-1 is closed;")
		wantContains(t, "approve closed", h.press("alice", ch, "join.approve", "1:zed"), "INC-1 is closed;")
	})
	h.verify(1)
}

func TestClaimRoleButton(t *testing.T) {
	h := newHarness(t)
	ch := h.declare("alice", "Phishing wave")
	h.mustSay("alice", ch, "invite @bob", "added")

	wantContains(t, "claim", h.press("bob", ch, "role.claim", "1:analyst"), "bob is analyst.")
	if r := h.roles(1); r["analyst"] != "bob" {
		t.Errorf("roles %v", r)
	}
	h.unchanged(1, func() {
		wantContains(t, "again", h.press("bob", ch, "role.claim", "1:analyst"), "bob is already analyst of INC-1.")
		wantContains(t, "non-member", h.press("carol", ch, "role.claim", "1:comms"), "You are not a member of INC-1.")
		wantContains(t, "commander", h.press("bob", ch, "role.claim", "1:commander"), "That role cannot be claimed with a button.")
		wantContains(t, "unknown role", h.press("bob", ch, "role.claim", "1:janitor"), "That role cannot be claimed with a button.")
		wantContains(t, "malformed", h.press("bob", ch, "role.claim", "analyst"), "That button is malformed.")
		wantContains(t, "unknown incident", h.press("bob", ch, "role.claim", "7:analyst"), "There is no INC-7.")
	})
	// A lead claims without being a member, and is then in the channel.
	wantContains(t, "lead", h.press("dave", ch, "role.claim", "1:legal"), "dave is legal.")
	if !slices.Contains(h.members(1), "dave") {
		t.Error("the lead who claimed a role is not a member")
	}
	h.mustSay("alice", ch, "close true-positive", "closed")
	wantContains(t, "closed", h.press("bob", ch, "role.claim", "1:comms"), "INC-1 is closed;")
}

// TestSlackPeople runs on the Slack platform (without delivering): mentions are <@ID>, people
// are roster names or slack:ID, and a speaker in the private channel is recorded as a member.
func TestSlackPeople(t *testing.T) {
	h := newHarness(t)
	wantContains(t, "declare", h.do("slack", "alice", "C0GENERAL", "/incident declare Phishing wave sev2"), "Declared INC-1 · sev2 (high)")
	if inc := h.incident(1); inc.Platform != "slack" || inc.DeclaredBy != "alice" {
		t.Fatalf("incident %+v", inc)
	}
	// The channel is created by the Slack adapter; simulate its answer.
	if err := h.db.Update(h.ctx, func(tx *storage.Tx) error { return tx.SetIncidentChannel(1, "C0INC1", "") }); err != nil {
		t.Fatal(err)
	}
	slack := func(user, text string) string { return h.do("slack", user, "C0INC1", "/incident "+text) }

	wantContains(t, "speaker in channel", slack("bob", "note seen on my laptop"), "Noted on INC-1")
	es := h.entries(1)
	if e, ok := findEntry(es, bot.KindMember, "bob is in the channel (added outside warroom)"); !ok || e.Actor != "bob" {
		t.Errorf("implicit membership not recorded: %v", kinds(es))
	}
	if m := h.members(1); !slices.Equal(m, []string{"alice", "bob"}) {
		t.Errorf("members %v", m)
	}
	wantContains(t, "stranger in channel", slack("U0STRANGER", "note hello"), "Noted")
	if !slices.Contains(h.members(1), "slack:U0STRANGER") {
		t.Errorf("members %v", h.members(1))
	}

	h.send("slack", "alice", "C0INC1", "/incident role analyst <@U0CAROL|carol>")
	due, err := h.db.DueOutbound(h.ctx, h.clock.Now(), 100, true)
	if err != nil {
		t.Fatal(err)
	}
	var dm *bot.Outbound
	for i := range due {
		if due[i].Lane == "dm:slack:U0CAROL" {
			dm = &due[i]
		}
	}
	if dm == nil || dm.Op != bot.OpDM || dm.Payload.User != "U0CAROL" || dm.Platform != "slack" {
		t.Errorf("role instructions DM %+v", dm)
	}
	if r := h.roles(1); r["analyst"] != "carol" {
		t.Errorf("roles %v", r)
	}
	// With a roster, only people in it can be named.
	wantContains(t, "unknown slack user", slack("alice", "role scribe <@U0ZED>"), "<@U0ZED> is not in warroom's roster; add them to the roster in test.yaml first.")
	wantContains(t, "by roster name", slack("alice", "role legal @dave"), "dave is legal, assigned by alice.")
	wantContains(t, "roster name", slack("alice", "invite @bob"), "bob is already in INC-1.")
	wantContains(t, "not on the roster", slack("alice", "invite @nobody"), "Unknown user @nobody: they are not in warroom's roster.")
	wantContains(t, "not the scribe", slack("U0ZED", "sev 1"), "Only the commander (alice, acting)")
	h.verify(1)
}
