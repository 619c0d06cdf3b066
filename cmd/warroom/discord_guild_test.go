package main

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/storage"
)

// Without DISCORD_GUILD_ID (global commands, visible in every server the bot is in and in
// DMs), only the home guild is served: commands typed in a DM or in another server are
// refused with a clear message and do nothing, while the home guild works.
func TestDiscordWithoutGuildIDServesOnlyTheHomeGuild(t *testing.T) {
	h := newDiscordE2EWith(t, discordOptions{noGuildID: true})
	incidents := func() int {
		var n int
		err := h.db.View(context.Background(), func(tx *storage.Tx) error {
			all, err := tx.Incidents(true)
			n = len(all)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	_, reply := h.slash(dAlice, dOther, h.elsewhere, "incident", incidentCmd("declare", discordfake.StringOption("title", "From a foreign server")))
	if !strings.Contains(reply, "warroom does not serve this server.") {
		t.Errorf("foreign guild: reply %q", reply)
	}
	_, reply = h.slash(dAlice, "", "", "incident", incidentCmd("declare", discordfake.StringOption("title", "From a DM")))
	if !strings.Contains(reply, "warroom takes commands in its server's channels, not in direct messages.") {
		t.Errorf("DM: reply %q", reply)
	}
	_, reply = h.slash(dAlice, "", "", "page", discordfake.SubCommand("list"))
	if !strings.Contains(reply, "not in direct messages") {
		t.Errorf("DM /page list: reply %q", reply)
	}
	// /page ack is what a page DM asks for: it reaches the engine (alice has no page).
	_, reply = h.slash(dAlice, "", "", "page", discordfake.SubCommand("ack"))
	if !strings.Contains(reply, "You have no open page to acknowledge.") {
		t.Errorf("DM /page ack: reply %q", reply)
	}
	if n := incidents(); n != 0 {
		t.Fatalf("%d incidents declared from a DM or a foreign server", n)
	}
	_, reply = h.slash(dAlice, dGuild, h.general, "incident", incidentCmd("declare", discordfake.StringOption("title", "At home")))
	if !strings.Contains(reply, "Declared INC-1") {
		t.Errorf("home guild: reply %q", reply)
	}
	if n := incidents(); n != 1 {
		t.Errorf("%d incidents after declaring at home", n)
	}
}
