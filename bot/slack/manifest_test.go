package slack

import (
	"context"
	"net/url"
	"os"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// The manifests in docs/slack are what users install; keep them in step with the code.
type manifest struct {
	Features struct {
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled    bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketMode bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

func readManifest(t *testing.T, name string) manifest {
	t.Helper()
	b, err := os.ReadFile("../../docs/slack/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestManifests(t *testing.T) {
	// The scopes are not a list written here: they are what the adapter's calls need,
	// measured against the fake Slack (which answers missing_scope outside the manifest),
	// plus the two that only subscribe to something (commands, the reaction_added event).
	want := append(scopesTheAdapterUses(t), "commands", "reactions:read")
	slices.Sort(want)
	sm, hm := readManifest(t, "manifest-socket-mode.yaml"), readManifest(t, "manifest-http.yaml")
	for name, m := range map[string]manifest{"socket": sm, "http": hm} {
		got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot))
		if !slices.Equal(got, want) || len(m.OAuth.Scopes.User) != 0 {
			t.Errorf("%s scopes %v, want %v", name, got, want)
		}
		var cmds []string
		for _, c := range m.Features.SlashCommands {
			cmds = append(cmds, c.Command)
			if !c.ShouldEscape {
				t.Errorf("%s: %s without should_escape: mentions would arrive as plain names", name, c.Command)
			}
			if name == "http" && path(t, c.URL) != CommandsPath {
				t.Errorf("http: %s goes to %s", c.Command, c.URL)
			}
		}
		if !slices.Equal(cmds, []string{"/incident", "/page", "/oncall"}) {
			t.Errorf("%s commands %v", name, cmds)
		}
		if !slices.Equal(m.Settings.Events.BotEvents, []string{"reaction_added"}) || !m.Settings.Interactivity.Enabled {
			t.Errorf("%s events/interactivity %+v", name, m.Settings)
		}
	}
	if !sm.Settings.SocketMode || hm.Settings.SocketMode {
		t.Error("socket_mode_enabled is wrong")
	}
	if path(t, hm.Settings.Events.RequestURL) != EventsPath || path(t, hm.Settings.Interactivity.RequestURL) != InteractionsPath {
		t.Errorf("http request URLs %+v", hm.Settings)
	}
}

func path(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" {
		t.Errorf("bad URL %q", raw)
		return ""
	}
	return u.Path
}

// scopesTheAdapterUses drives every Web API call the adapter makes — each bot.Platform
// method, the lookups after a lost answer, resolving a #name, reading a reacted message —
// against a fake holding the manifest's scopes, and returns the scopes those calls needed.
// Any call outside the manifest fails here with missing_scope.
func scopesTheAdapterUses(t *testing.T) []string {
	t.Helper()
	ta := newTestAdapter(t, nil)
	ctx := context.Background()
	retry := bot.WithDelivery(ctx, bot.Delivery{Key: "1", MaybeDone: true})
	ta.fake.AddUser("U0ALICE", "alice")
	general := ta.fake.AddChannel("general", false, ta.fake.BotUserID(), "U0ALICE")
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	ch, err := ta.CreateChannel(ctx, "inc-1-scopes", true, "Scopes · sev3")
	must("create", err)
	_, err = ta.CreateChannel(retry, "inc-1-scopes", true, "Scopes · sev3") // name_taken: adopted
	must("create after a lost answer", err)
	must("invite", ta.Invite(ctx, ch.ID, []string{"U0ALICE"}))
	id, err := ta.Post(retry, ch.ID, bot.Message{Text: bot.Plain("card"), Buttons: []bot.Button{{Action: "a", Label: "A", Value: "1"}}})
	must("post after a lost answer (private history)", err)
	_, err = ta.Post(retry, "#general", bot.Message{Text: bot.Plain("announce")})
	must("post by #name after a lost answer (public history, list)", err)
	must("update", ta.Update(ctx, ch.ID, id, bot.Message{Text: bot.Plain("card v2")}))
	must("ephemeral", ta.Ephemeral(ctx, ch.ID, "U0ALICE", bot.Message{Text: bot.Plain("psst")}))
	_, err = ta.DM(retry, "U0ALICE", bot.Message{Text: bot.Plain("page")})
	must("DM after a lost answer (im history)", err)
	must("topic", ta.SetTopic(ctx, ch.ID, "new topic"))
	must("pin", ta.Pin(ctx, ch.ID, id))
	must("upload", ta.Upload(ctx, ch.ID, bot.File{Name: "r.md", Data: []byte("# report")}))
	must("remove", ta.Remove(ctx, ch.ID, "U0ALICE"))
	ts := ta.fake.PostAsUser(general, "U0ALICE", "a line worth keeping")
	if _, ok := ta.fetchMessage(ctx, general, ts); !ok {
		t.Fatal("reading a reacted message")
	}
	fts, _ := ta.fake.PostFilesAsUser(general, "U0ALICE", "the ransom note", slackfake.FileUpload{Name: "note.txt", Data: []byte("pay")})
	if m, ok := ta.fetchMessage(ctx, general, fts); !ok || m == nil || m.ReadFiles == nil {
		t.Fatal("reading a reacted message with a file")
	} else if rs := m.ReadFiles(ctx); len(rs) != 1 || rs[0].SHA256 == "" {
		t.Fatalf("downloading a file for a 🧾: %+v", rs)
	}
	must("archive", ta.Archive(ctx, ch.ID))
	for _, r := range ta.fake.Requests() {
		if r.Err == "missing_scope" {
			t.Errorf("%s answered missing_scope: the manifest lacks what it needs", r.Method)
		}
	}
	return ta.fake.UsedScopes()
}
