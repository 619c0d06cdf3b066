package commands

import (
	"regexp"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/web/webauth"
)

var linkRe = regexp.MustCompile(`https://warroom\.example/login\?token=([A-Za-z0-9_-]{43})`)

func TestWebLinkComesByDirectMessageAndIsStoredHashed(t *testing.T) {
	h := newHarness(t, withWebURL("https://warroom.example"))
	reply := h.cmd("alice", "general", "web")
	if !strings.Contains(reply, "direct message") || linkRe.MatchString(reply) {
		t.Fatalf("the reply must say a DM was sent and must not hold the link: %s", reply)
	}
	out := h.flush()
	m := linkRe.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "[@alice") {
		t.Fatalf("no sign-in link DMed to alice:\n%s", out)
	}
	token := m[1]
	h.view(func(tx *storage.Tx) error {
		// What the database holds is the hash: the token itself redeems nothing there.
		if _, err := tx.RedeemWebToken(token, t0); err != bot.ErrNotFound {
			t.Errorf("the raw token is in the table: %v", err)
		}
		return nil
	})
	var person string
	if err := h.db.Update(h.ctx, func(tx *storage.Tx) (err error) {
		person, err = tx.RedeemWebToken(webauth.Hash(token), h.clock.Now())
		return err
	}); err != nil || person != "alice" {
		t.Fatalf("redeeming the link: %q %v", person, err)
	}
	if err := h.db.Update(h.ctx, func(tx *storage.Tx) error {
		_, err := tx.RedeemWebToken(webauth.Hash(token), h.clock.Now())
		return err
	}); err != webauth.ErrUsed {
		t.Errorf("a second use: %v, want ErrUsed", err)
	}
}

func TestWebLinkRefusedWhenTheWebViewIsOff(t *testing.T) {
	h := newHarness(t)
	reply := h.cmd("alice", "general", "web")
	if !strings.Contains(reply, "not enabled") {
		t.Fatalf("reply: %s", reply)
	}
	if out := h.flush(); strings.Contains(out, "token=") {
		t.Errorf("a link was sent anyway:\n%s", out)
	}
	if reply := h.cmd("alice", "general", "web now"); !strings.Contains(reply, "Usage: /incident web") {
		t.Errorf("an argument: %s", reply)
	}
}

// The web view asks MaySee who may see an incident, and TitleFor how to name it.
func TestWebViewSeesMembersAndLeadsAndCodenamesForOutsiders(t *testing.T) {
	for _, naming := range []string{"slug", "codename"} {
		t.Run(naming, func(t *testing.T) {
			h := newHarness(t, withYAML("channels: {naming: "+naming+"}"))
			ch := h.declare("alice", "Payroll fraud")
			h.cmd("alice", ch, "invite @bob")
			inc := h.incident(1)
			cases := []struct {
				who   string
				see   bool
				title bool
			}{
				{"alice", true, true},                // the declarer, a member
				{"bob", true, true},                  // invited
				{"dave", true, naming != "codename"}, // a lead, not a member
				{"carol", false, false},              // in the roster, not in the incident
				{"slack:U0EVE", false, false},        // not in the roster
				{"", false, false},                   // nobody
			}
			h.view(func(tx *storage.Tx) error {
				for _, c := range cases {
					see, err := MaySee(tx, h.cfg, c.who, inc.Number)
					if err != nil {
						return err
					}
					if see != c.see {
						t.Errorf("%q: may see %v, want %v", c.who, see, c.see)
					}
					if !see {
						continue
					}
					shown, err := TitleFor(tx, h.cfg, c.who, inc)
					if err != nil {
						return err
					}
					if c.title != (shown == "Payroll fraud") || !c.title && shown != inc.ChannelName {
						t.Errorf("%q is shown %q", c.who, shown)
					}
				}
				return nil
			})
		})
	}
}
