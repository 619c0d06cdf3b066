package slack

import (
	"net/url"
	"os"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
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
	// Every scope a Web API call of the adapter needs; nothing beyond.
	want := []string{"channels:history", "channels:read", "chat:write", "commands", "files:write", "groups:history",
		"groups:read", "groups:write", "im:history", "im:write", "pins:write", "reactions:read"}
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
