package slackfake

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

// Scopes. A bot token carries the scopes its app's manifest asked for, and Slack answers a
// call outside them with {"ok":false,"error":"missing_scope","needed":…,"provided":…}.
// With WithScopes the fake does the same, so a test run with the manifest's scopes proves
// the manifest covers every call the code makes; UsedScopes then tells which scopes the
// calls needed, so the manifest can be held to nothing more.

// WithScopes gives the bot token exactly these scopes (the default, no option, is every
// scope: no checking).
func WithScopes(scopes ...string) Option {
	return func(c *config) { c.scopes = slices.Clone(scopes); c.checkScopes = true }
}

// ManifestScopes reads the bot scopes of a Slack app manifest (oauth_config.scopes.bot).
func ManifestScopes(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m struct {
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m.OAuth.Scopes.Bot) == 0 {
		return nil, fmt.Errorf("%s: no oauth_config.scopes.bot", path)
	}
	return m.OAuth.Scopes.Bot, nil
}

// kindScope is the scope family member for a conversation kind: the "channels:" one for a
// public channel, "groups:" for a private one, "im:" and "mpim:" for direct messages.
func kindScope(c *channel, action string) string {
	switch {
	case c == nil:
		return ""
	case c.im:
		return "im:" + action
	case c.mpim:
		return "mpim:" + action
	case c.private:
		return "groups:" + action
	}
	if action == "write" {
		return "channels:manage" // public channels are managed, not "written"
	}
	return "channels:" + action
}

// neededScope is the scope method needs with these arguments ("" for none, or when the
// target does not exist: the method's own error then answers).
func (s *Server) neededScopeLocked(method string, p params) string {
	ch := func() *channel { return s.channels[p.Get("channel")] }
	switch method {
	case "users.info":
		return "users:read"
	case "conversations.create":
		if truthy(p.Get("is_private")) {
			return "groups:write"
		}
		return "channels:manage"
	case "conversations.invite", "conversations.kick", "conversations.setTopic", "conversations.setPurpose", "conversations.archive":
		return kindScope(ch(), "write")
	case "conversations.info", "conversations.members":
		return kindScope(ch(), "read")
	case "conversations.history", "conversations.replies":
		return kindScope(ch(), "history")
	case "conversations.list":
		// One scope per conversation type asked for; all are needed (see listScopes).
		return strings.Join(listScopes(p), ",")
	case "conversations.open":
		if len(splitList(p.Get("users"))) > 1 {
			return "mpim:write"
		}
		return "im:write"
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		return "chat:write"
	case "pins.add":
		return "pins:write"
	case "reactions.add":
		return "reactions:write"
	case "files.getUploadURLExternal", "files.completeUploadExternal":
		return "files:write"
	}
	return ""
}

// listScopes are the scopes conversations.list needs for the types it asks for.
func listScopes(p params) []string {
	types := splitList(p.Get("types"))
	if len(types) == 0 {
		types = []string{"public_channel"}
	}
	need := map[string]string{"public_channel": "channels:read", "private_channel": "groups:read", "im": "im:read", "mpim": "mpim:read"}
	var out []string
	for _, t := range types {
		if sc := need[t]; sc != "" {
			out = append(out, sc)
		}
	}
	return out
}

func (s *Server) hasScopeLocked(scope string) bool {
	return !s.cfg.checkScopes || slices.Contains(s.cfg.scopes, scope)
}

// scopeCheckLocked answers missing_scope for a call outside the token's scopes, and
// records the scope a permitted call used.
func (s *Server) scopeCheckLocked(method string, p params) reply {
	need := s.neededScopeLocked(method, p)
	if need == "" {
		return nil
	}
	needs := strings.Split(need, ",")
	for _, n := range needs {
		if !s.hasScopeLocked(n) {
			r := failure("missing_scope")
			r["needed"] = n
			r["provided"] = strings.Join(s.cfg.scopes, ",")
			return r
		}
	}
	if s.usedScopes == nil {
		s.usedScopes = map[string]bool{}
	}
	for _, n := range needs {
		s.usedScopes[n] = true
	}
	return nil
}

// UsedScopes lists, sorted, every scope a call that got through needed.
func (s *Server) UsedScopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.usedScopes))
	for sc := range s.usedScopes {
		out = append(out, sc)
	}
	sort.Strings(out)
	return out
}

// canPostPublicLocked: posting in a public channel the bot is not in needs
// chat:write.public; without it Slack answers not_in_channel.
func (s *Server) canPostPublicLocked() bool { return s.hasScopeLocked("chat:write.public") }
