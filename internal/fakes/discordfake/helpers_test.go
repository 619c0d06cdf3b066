package discordfake

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Fixture ids used across the tests.
const (
	guildID = "100000000000000001"
	alice   = "200000000000000001"
	bob     = "200000000000000002"
	carol   = "200000000000000003" // knows the bot only through DMs
)

const waitLong = 5 * time.Second

// newFake starts a fake with one guild, two members and one DM-only user.
func newFake(t *testing.T, opts ...Option) *Server {
	t.Helper()
	f := New(t, opts...)
	f.AddGuild(guildID, "ops")
	f.AddMember(guildID, alice, "alice")
	f.AddMember(guildID, bob, "bob")
	f.AddUser(carol, "carol")
	return f
}

// restSession is a discordgo session that only does REST (no Open, so no 1 s Close cost).
func restSession(t *testing.T, f *Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New(f.Authorization())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.Client()
	return s
}

// restErr asserts err is a *discordgo.RESTError with the given HTTP status and Discord code.
func restErr(t *testing.T, err error, status, code int) *discordgo.RESTError {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("want *RESTError %d/%d, got %T %v", status, code, err, err)
	}
	if re.Response.StatusCode != status {
		t.Fatalf("status = %d, want %d (%s)", re.Response.StatusCode, status, re.ResponseBody)
	}
	if re.Message == nil || re.Message.Code != code {
		t.Fatalf("code = %+v, want %d (%s)", re.Message, code, re.ResponseBody)
	}
	return re
}

// privateChannel creates, through discordgo, a category and a private text channel visible to
// the bot and alice only. Returns (categoryID, channelID).
func privateChannel(t *testing.T, f *Server, s *discordgo.Session) (string, string) {
	t.Helper()
	cat, err := s.GuildChannelCreateComplex(guildID, discordgo.GuildChannelCreateData{Name: "Incidents", Type: discordgo.ChannelTypeGuildCategory})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.GuildChannelCreateComplex(guildID, discordgo.GuildChannelCreateData{
		Name: "INC 42 db down", Type: discordgo.ChannelTypeGuildText, ParentID: cat.ID, Topic: "sev1",
		PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: guildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
			{ID: f.BotUserID(), Type: discordgo.PermissionOverwriteTypeMember, Allow: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages},
			{ID: alice, Type: discordgo.PermissionOverwriteTypeMember, Allow: discordgo.PermissionViewChannel},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat.ID, ch.ID
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
