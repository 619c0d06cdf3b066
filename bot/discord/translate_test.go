package discord

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

func verbByKey(t testing.TB, key string) *verbDef {
	t.Helper()
	for _, v := range buildVerbs(sampleSpecs()) {
		if v.key() == key {
			return v
		}
	}
	t.Fatalf("no verb %s", key)
	return nil
}

// passed writes what the engine is handed — the verb and each option by its declared
// name, in declaration order, a person picked as user:<id> — so a case reads as one line.
func passed(v *verbDef, opts, users map[string]string) string {
	parts := []string{v.Engine + ":" + v.Prefix}
	for _, o := range v.Options {
		if val, ok := opts[o.Engine]; ok {
			parts = append(parts, o.Engine+"="+val)
		}
		if id, ok := users[o.Engine]; ok {
			parts = append(parts, o.Engine+"=user:"+id)
		}
	}
	return strings.Join(parts, " ")
}

// The options reach the engine as typed values by name; nothing is rebuilt into text.
func TestOptionsPassThroughTyped(t *testing.T) {
	for _, tc := range []struct {
		key  string
		vals map[string]string
		want string
	}{
		{"incident/task/add", map[string]string{"text": "block sender", "owner": "80351110224678912", "due": "2h"}, "incident:task add text=block sender owner=user:80351110224678912 due=2h"},
		{"incident/task/add", map[string]string{"due": "2h", "text": "block sender"}, "incident:task add text=block sender due=2h"},
		// A task text that ends in a mention stays text: it is not an owner.
		{"incident/task/add", map[string]string{"text": "call the vendor with @bob"}, "incident:task add text=call the vendor with @bob"},
		{"incident//declare", map[string]string{"title": "Phishing  wave", "severity": "sev2"}, "incident:declare title=Phishing wave severity=sev2"},
		{"incident//role", map[string]string{"user": "42", "role": "analyst"}, "incident:role role=analyst user=user:42"},
		{"incident//phase", map[string]string{"to": "next", "force": "true"}, "incident:phase to=next force=true"},
		{"incident//close", map[string]string{"class": "duplicate", "resolution": "INC-3 same mail"}, "incident:close class=duplicate resolution=INC-3 same mail"},
		{"incident//status", map[string]string{"incident": "INC-3"}, "incident:status incident=INC-3"},
		{"incident//status", map[string]string{}, "incident:status"},
		{"incident/task/done", map[string]string{"n": "3"}, "incident:task done n=3"},
		{"incident//note", map[string]string{"text": "line one\nline two\t x"}, "incident:note text=line one line two x"},
		{"page//team", map[string]string{"team": "secops", "message": "db down"}, "page: team=secops message=db down"},
		{"page//user", map[string]string{"user": "42", "message": "db down"}, "page: user=user:42 message=db down"},
		{"page//ack", map[string]string{}, "page:ack"},
		{"oncall//show", map[string]string{}, "oncall:"},
		{"oncall//show", map[string]string{"team": "secops"}, "oncall: team=secops"},
		{"oncall//override", map[string]string{"team": "secops", "user": "42", "duration": "4h"}, "oncall:override team=secops user=user:42 duration=4h"},
		{"oncall//override-cancel", map[string]string{"id": "3"}, "oncall:override cancel id=3"},
	} {
		v := verbByKey(t, tc.key)
		got, users, err := v.options(tc.vals)
		if err != nil || passed(v, got, users) != tc.want {
			t.Errorf("%s %v: %q, %v; want %q", tc.key, tc.vals, passed(v, got, users), err, tc.want)
		}
	}
}

func TestBadOptionsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		key  string
		vals map[string]string
	}{
		{"incident//role", map[string]string{"role": "analyst", "user": "<@42>"}},
		{"incident//role", map[string]string{"role": "boss", "user": "42"}},
		{"incident/task/done", map[string]string{"n": "three"}},
		{"oncall//show", map[string]string{"team": "override secops"}}, // a word cannot smuggle in a verb
		{"incident//link", map[string]string{"incident": "INC-3 INC-4"}},
	} {
		if got, _, err := verbByKey(t, tc.key).options(tc.vals); !errors.Is(err, errOption) {
			t.Errorf("%s %v: %q, %v; want a refusal", tc.key, tc.vals, got, err)
		}
	}
}

// An interaction payload as Discord sends it, through discordgo's own decoding.
func TestLeafCommandFromWire(t *testing.T) {
	raw := `{"id":"1","type":2,"data":{"id":"9","name":"incident","type":1,"options":[{"name":"task","type":2,"options":[
		{"name":"add","type":1,"options":[{"name":"text","type":3,"value":"block sender"},{"name":"owner","type":6,"value":"42"},
		{"name":"due","type":3,"value":"2h"}]}]}]}}`
	var in discordgo.Interaction
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		t.Fatal(err)
	}
	data := in.ApplicationCommandData()
	group, sub, vals := leafCommand(data)
	v := verbByKey(t, data.Name+"/"+group+"/"+sub)
	opts, users, err := v.options(vals)
	if err != nil || passed(v, opts, users) != "incident:task add text=block sender owner=user:42 due=2h" {
		t.Fatalf("%q %v", passed(v, opts, users), err)
	}
	raw = `{"id":"1","type":2,"data":{"id":"9","name":"incident","type":1,"options":[{"name":"task","type":2,"options":[
		{"name":"done","type":1,"options":[{"name":"n","type":4,"value":7}]}]}]}}`
	_ = json.Unmarshal([]byte(raw), &in)
	group, sub, vals = leafCommand(in.ApplicationCommandData())
	v = verbByKey(t, "incident/"+group+"/"+sub)
	if opts, users, _ := v.options(vals); passed(v, opts, users) != "incident:task done n=7" {
		t.Fatalf("%q", passed(v, opts, users))
	}
}

// FuzzOptionsToText feeds arbitrary option values through every verb: what the engine is
// handed never panics, each value is one line of valid UTF-8 without control characters,
// only declared options are passed, and a user is only a well-formed mention.
func FuzzOptionsToText(f *testing.F) {
	f.Add("block sender", "80351110224678912", "2h", int64(3))
	f.Add("a\x00b\nc", "<@1>", "2 h", int64(-1))
	f.Add("\xff\xfe", "", "override x", int64(0))
	f.Add("**bold** @everyone <@&1>", "123", "", int64(1<<40))
	verbs := buildVerbs(sampleSpecs())
	f.Fuzz(func(t *testing.T, text, user, word string, n int64) {
		for _, v := range verbs {
			vals := map[string]string{}
			for _, o := range v.Options {
				switch o.Kind {
				case "user":
					vals[o.Name] = user
				case "int":
					vals[o.Name] = strings.TrimSpace(string(rune('0' + n%10)))
				case "text":
					vals[o.Name] = text
				default:
					vals[o.Name] = word
					if len(o.Choices) > 0 && word == "" {
						vals[o.Name] = o.Choices[0]
					}
				}
			}
			opts, users, err := v.options(vals)
			if err != nil {
				if !errors.Is(err, errOption) {
					t.Fatalf("%s: unexpected error %v", v.key(), err)
				}
				continue
			}
			for name, got := range opts {
				if !utf8.ValidString(got) || strings.ContainsFunc(got, unicode.IsControl) {
					t.Fatalf("%s: %s=%q is not one clean line", v.key(), name, got)
				}
				if !slices.ContainsFunc(v.Options, func(o optionDef) bool { return o.Engine == name }) {
					t.Fatalf("%s: %s was not declared", v.key(), name)
				}
			}
			for _, o := range v.Options {
				if _, ok := opts[o.Engine]; ok && o.Kind == "user" {
					t.Fatalf("%s: the person %s was handed on as text", v.key(), o.Engine)
				}
				if got, ok := users[o.Engine]; ok && got != user {
					t.Fatalf("%s: mangled user id %q from %q", v.key(), got, user)
				}
			}
		}
	})
}

// FuzzInteractionPayload builds INTERACTION_CREATE payloads for every verb from fuzzed
// values, sends them through discordgo's decoding and the adapter's walk, and checks the
// round trip: the walk finds the verb's group and sub-command and each option's value as
// sent, and the text starts with the verb's prefix (or the refusal names the option). A
// button's custom_id comes back as the action and value it was built from. Arbitrary raw
// payloads (the third argument) go the same way and must not panic.
func FuzzInteractionPayload(f *testing.F) {
	f.Add(uint8(0), "phishing wave", int64(7), "join.approve", "1:bob", `{"id":"1","type":2,"data":null}`)
	f.Add(uint8(3), "", int64(-1), "", "", `{"id":"1","type":2,"data":{"name":"incident","options":[{"name":"role","type":1,"options":[{"name":"user","type":6,"value":1e300}]}]}}`)
	f.Add(uint8(9), "a\nb <@1>", int64(210000000000000001), "page.ack", "3", `{"id":"1","type":3,"data":{"custom_id":"x"}}`)
	verbs := buildVerbs(sampleSpecs())
	byKey := map[string]*verbDef{}
	for _, v := range verbs {
		byKey[v.key()] = v
	}
	f.Fuzz(func(t *testing.T, which uint8, text string, num int64, action, value, raw string) {
		v := verbs[int(which)%len(verbs)]
		// JSON carries UTF-8 only.
		text, action, value = strings.ToValidUTF8(text, "\uFFFD"), strings.ToValidUTF8(action, "\uFFFD"), strings.ToValidUTF8(value, "\uFFFD")
		var opts []map[string]any
		sent := map[string]string{}
		for _, o := range v.Options {
			opt := map[string]any{"name": o.Name, "type": 3, "value": text}
			switch o.Kind {
			case "int":
				opt["type"], opt["value"] = 4, num%1_000_000
				sent[o.Name] = strconv.FormatInt(num%1_000_000, 10)
			case "user":
				id := strconv.FormatInt(max(num, 0), 10)
				opt["type"], opt["value"] = 6, id
				sent[o.Name] = id
			default:
				if len(o.Choices) > 0 {
					opt["value"] = o.Choices[int(uint64(num)%uint64(len(o.Choices)))]
				}
				sent[o.Name] = opt["value"].(string)
			}
			opts = append(opts, opt)
		}
		leaf := []map[string]any{{"name": v.Sub, "type": 1, "options": opts}}
		if v.Group != "" {
			leaf = []map[string]any{{"name": v.Group, "type": 2, "options": leaf}}
		}
		payload, _ := json.Marshal(map[string]any{"id": "1", "type": 2, "data": map[string]any{"id": "9", "name": v.Command, "options": leaf}})
		var in discordgo.Interaction
		if err := json.Unmarshal(payload, &in); err != nil {
			t.Fatalf("%s: discordgo refused the payload it should read: %v", v.key(), err)
		}
		group, sub, vals := leafCommand(in.ApplicationCommandData())
		if group != v.Group || sub != v.Sub {
			t.Fatalf("%s: walk found %q/%q", v.key(), group, sub)
		}
		for name, want := range sent {
			if vals[name] != want {
				t.Fatalf("%s: option %s came back as %q, sent %q", v.key(), name, vals[name], want)
			}
		}
		if got := byKey[in.ApplicationCommandData().Name+"/"+group+"/"+sub]; got != v {
			t.Fatalf("%s: the walk's key finds another verb", v.key())
		}
		if out, _, err := v.options(vals); err != nil {
			if !errors.Is(err, errOption) {
				t.Fatalf("%s: unexpected error %v", v.key(), err)
			}
		} else {
			for name := range out {
				if !slices.ContainsFunc(v.Options, func(o optionDef) bool { return o.Engine == name }) {
					t.Fatalf("%s: %s was not declared", v.key(), name)
				}
			}
		}

		// A button: its custom_id round-trips when it is one of warroom's (an action
		// without ':').
		id := customID(bot.Button{Action: action, Value: value})
		payload, _ = json.Marshal(map[string]any{"id": "2", "type": 3, "data": map[string]any{"custom_id": id, "component_type": 2}})
		var press discordgo.Interaction
		if err := json.Unmarshal(payload, &press); err != nil {
			t.Fatalf("button payload refused: %v", err)
		}
		a, val, ok := parseCustomID(press.MessageComponentData().CustomID)
		switch {
		case action == "":
			if ok {
				t.Fatalf("custom_id %q without an action accepted", id)
			}
		case !strings.Contains(action, ":"): // warroom's actions ("page.ack") never hold one
			if !ok || a != action || val != value {
				t.Fatalf("custom_id %q parsed as %q %q %v", id, a, val, ok)
			}
		}

		// Whatever arrives raw must not panic.
		var any discordgo.Interaction
		if json.Unmarshal([]byte(raw), &any) != nil {
			return
		}
		switch any.Type {
		case discordgo.InteractionApplicationCommand:
			if d, ok := any.Data.(discordgo.ApplicationCommandInteractionData); ok {
				g, s, vals := leafCommand(d)
				if v := byKey[d.Name+"/"+g+"/"+s]; v != nil {
					_, _, _ = v.options(vals)
				}
			}
		case discordgo.InteractionMessageComponent:
			if d, ok := any.Data.(discordgo.MessageComponentInteractionData); ok {
				parseCustomID(d.CustomID)
			}
		}
	})
}
