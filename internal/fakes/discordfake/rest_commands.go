package discordfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Command is a registered application command. Raw is the command object exactly as the client
// sent it (before the fake added id, application_id, version).
type Command struct {
	ID          string
	GuildID     string // "" for global commands
	Name        string
	Type        int // 1 chat input, 2 user, 3 message
	Description string
	Raw         json.RawMessage
}

// CommandUpload records one PUT (bulk overwrite) or POST (create) of commands, body verbatim.
type CommandUpload struct {
	At      time.Time
	Method  string
	GuildID string
	Body    json.RawMessage
}

// chatNameRE is Discord's CHAT_INPUT name rule (lower-case letters, digits, - and _, 1-32).
var chatNameRE = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)

type optionPayload struct {
	Type        int               `json:"type"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Required    bool              `json:"required"`
	Options     []optionPayload   `json:"options"`
	Choices     []json.RawMessage `json:"choices"`
}

type commandPayload struct {
	Type        int             `json:"type"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Options     []optionPayload `json:"options"`
}

// validateOptions applies Discord's option rules: at most 25, valid names, descriptions of
// 1-100 characters, unique names, required before optional, and nesting only under
// sub-commands (1) and sub-command groups (2).
func validateOptions(path string, opts []optionPayload, depth int) (response, bool) {
	if len(opts) > 25 {
		return tooLong(path+"options", 25), false
	}
	seen := map[string]bool{}
	optionalSeen := false
	for i, o := range opts {
		p := fmt.Sprintf("%soptions.%d.", path, i)
		if !chatNameRE.MatchString(o.Name) {
			return formErr(p+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"), false
		}
		if seen[o.Name] {
			return formErr(p+"name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option name "+o.Name+" is already used in these options"), false
		}
		seen[o.Name] = true
		if n := runes(o.Description); n < 1 || n > 100 {
			return formErr(p+"description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."), false
		}
		if o.Type < 1 || o.Type > 11 {
			return formErr(p+"type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}."), false
		}
		if len(o.Choices) > 25 {
			return tooLong(p+"choices", 25), false
		}
		if o.Type > 2 {
			if o.Required && optionalSeen {
				return formErr(p+"required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"), false
			}
			optionalSeen = optionalSeen || !o.Required
			if len(o.Options) > 0 {
				return formErr(p+"options", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Only sub-commands and groups can have options"), false
			}
			continue
		}
		if depth >= 2 || (o.Type == 2 && depth >= 1) {
			return formErr(p+"type", "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command groups cannot be nested"), false
		}
		if r, fine := validateOptions(p, o.Options, depth+1); !fine {
			return r, false
		}
	}
	return response{}, true
}

func validateCommand(path string, c commandPayload) (response, bool) {
	typ := c.Type
	if typ == 0 {
		typ = 1
	}
	if typ == 1 {
		if !chatNameRE.MatchString(c.Name) {
			return formErr(path+"name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"), false
		}
		if n := runes(c.Description); n < 1 || n > 100 {
			return formErr(path+"description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."), false
		}
		return validateOptions(path, c.Options, 0)
	}
	if n := runes(c.Name); n < 1 || n > 32 {
		return formErr(path+"name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."), false
	}
	if c.Description != "" || len(c.Options) > 0 {
		return formErr(path+"description", "APPLICATION_COMMAND_CONTEXT_MENU_INVALID", "Context menu commands cannot have description or options"), false
	}
	return response{}, true
}

// commandScope checks the application id in the path and returns the guild scope ("" global).
func (s *Server) commandScope(rq *request) (string, response, bool) {
	if rq.params["application_id"] != s.cfg.appID {
		return "", errResp(http.StatusForbidden, CodeMissingAccess, "Missing Access"), false
	}
	gid := rq.params["guild_id"]
	if gid != "" && s.st.guilds[gid] == nil {
		return "", errResp(http.StatusForbidden, CodeMissingAccess, "Missing Access"), false
	}
	return gid, response{}, true
}

// commandJSON is the stored command as Discord returns it: the client's object plus id,
// application_id, guild_id and version (a snowflake string; discordgo types it as string).
func (s *Server) commandJSON(c *Command) obj {
	o := obj{}
	_ = json.Unmarshal(c.Raw, &o)
	o["id"] = c.ID
	o["application_id"] = s.cfg.appID
	o["version"] = c.ID
	o["type"] = c.Type
	if c.GuildID != "" {
		o["guild_id"] = c.GuildID
	}
	if _, has := o["default_member_permissions"]; !has {
		o["default_member_permissions"] = nil
	}
	return o
}

func (s *Server) buildCommand(gid string, raw json.RawMessage, cp commandPayload) *Command {
	typ := cp.Type
	if typ == 0 {
		typ = 1
	}
	c := &Command{GuildID: gid, Name: cp.Name, Type: typ, Description: cp.Description, Raw: raw}
	for _, old := range s.st.commands[gid] {
		if old.Name == c.Name && old.Type == c.Type {
			c.ID = old.ID // Discord keeps ids stable across overwrites of the same command
		}
	}
	if c.ID == "" {
		c.ID = s.st.nextID()
	}
	return c
}

func (s *Server) hPutCommands(rq *request) response {
	gid, r, allowed := s.commandScope(rq)
	if !allowed {
		return r
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(rq.body, &raws); err != nil {
		return badJSON()
	}
	if len(raws) > 100 {
		return errResp(http.StatusBadRequest, 30032, "Maximum number of application commands reached (100)")
	}
	seen := map[string]bool{}
	var cmds []*Command
	for i, raw := range raws {
		var cp commandPayload
		if err := json.Unmarshal(raw, &cp); err != nil {
			return badJSON()
		}
		if r, fine := validateCommand(fmt.Sprintf("%d.", i), cp); !fine {
			return r
		}
		key := fmt.Sprintf("%d/%s", cp.Type, strings.ToLower(cp.Name))
		if seen[key] {
			return formErr(fmt.Sprintf("%d.name", i), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		}
		seen[key] = true
		cmds = append(cmds, s.buildCommand(gid, raw, cp))
	}
	s.st.commands[gid] = cmds
	s.st.uploads = append(s.st.uploads, CommandUpload{At: rq.at, Method: rq.method, GuildID: gid, Body: append(json.RawMessage(nil), rq.body...)})
	out := []obj{}
	for _, c := range cmds {
		out = append(out, s.commandJSON(c))
	}
	return ok(out)
}

func (s *Server) hCreateCommand(rq *request) response {
	gid, r, allowed := s.commandScope(rq)
	if !allowed {
		return r
	}
	var cp commandPayload
	if err := json.Unmarshal(rq.body, &cp); err != nil {
		return badJSON()
	}
	if r, fine := validateCommand("", cp); !fine {
		return r
	}
	c := s.buildCommand(gid, append(json.RawMessage(nil), rq.body...), cp)
	status := http.StatusCreated
	list := s.st.commands[gid]
	replaced := false
	for i, old := range list {
		if old.ID == c.ID {
			list[i], replaced, status = c, true, http.StatusOK
		}
	}
	if !replaced {
		s.st.commands[gid] = append(list, c)
	}
	s.st.uploads = append(s.st.uploads, CommandUpload{At: rq.at, Method: rq.method, GuildID: gid, Body: append(json.RawMessage(nil), rq.body...)})
	return response{status: status, body: s.commandJSON(c)}
}

func (s *Server) hListCommands(rq *request) response {
	gid, r, allowed := s.commandScope(rq)
	if !allowed {
		return r
	}
	out := []obj{}
	for _, c := range s.st.commands[gid] {
		out = append(out, s.commandJSON(c))
	}
	return ok(out)
}

// Commands returns the commands registered for a guild ("" for global ones).
func (s *Server) Commands(guildID string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Command
	for _, c := range s.st.commands[guildID] {
		cc := *c
		cc.Raw = append(json.RawMessage(nil), c.Raw...)
		out = append(out, cc)
	}
	return out
}

// CommandUploads returns every accepted command registration request in order.
func (s *Server) CommandUploads() []CommandUpload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CommandUpload, len(s.st.uploads))
	for i, u := range s.st.uploads {
		u.Body = append(json.RawMessage(nil), u.Body...)
		out[i] = u
	}
	return out
}
