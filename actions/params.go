// Package actions executes response actions (docs/playbooks.md): it validates typed
// parameters, renders the HTTP request from the action's templates, and makes the call
// through an egress guard that checks the address actually connected to. Deciding whether a
// run may go, and recording it, is the engine's (commands); this package only acts.
package actions

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/warroom/warroom/config"
)

var (
	hostLabelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	userRe      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}$`)
	sha256Re    = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// typeNames say what a type expects, for refusals.
var typeNames = map[string]string{
	"ip": "an IP address (203.0.113.7 or 2001:db8::7)", "cidr": "a network in CIDR form (203.0.113.0/24)",
	"host": "a host name (files01.corp.example)", "user": "a user name (letters, digits, . _ @ \\ -; at most 64)",
	"email": "an e-mail address", "sha256": "a SHA-256 hash (64 hex digits)", "url": "an http(s) URL",
	"text": "one line of text of at most 500 characters",
}

// Validate checks value against a parameter type and returns its canonical form (an IP
// address as netip prints it, a host or hash lowercased). The error names the expected type.
func Validate(typ, value string) (string, error) {
	bad := func() (string, error) {
		return "", fmt.Errorf("%q is not %s (expected type %s)", value, typeNames[typ], typ)
	}
	switch typ {
	case "ip":
		a, err := netip.ParseAddr(value)
		if err != nil || a.Zone() != "" {
			return bad()
		}
		return a.Unmap().String(), nil
	case "cidr":
		p, err := netip.ParsePrefix(value)
		if err != nil || p.Addr().Zone() != "" {
			return bad()
		}
		return p.Masked().String(), nil
	case "host":
		h := strings.ToLower(strings.TrimSuffix(value, "."))
		if len(h) == 0 || len(h) > 253 {
			return bad()
		}
		for _, l := range strings.Split(h, ".") {
			if !hostLabelRe.MatchString(l) {
				return bad()
			}
		}
		return h, nil
	case "user":
		if !userRe.MatchString(value) {
			return bad()
		}
		return value, nil
	case "email":
		a, err := mail.ParseAddress(value)
		if err != nil || a.Address != value || a.Name != "" {
			return bad()
		}
		return value, nil
	case "sha256":
		h := strings.ToLower(value)
		if !sha256Re.MatchString(h) {
			return bad()
		}
		return h, nil
	case "url":
		u, err := url.Parse(value)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || strings.ContainsFunc(value, unicode.IsSpace) {
			return bad()
		}
		return u.String(), nil
	case "text":
		if value == "" || len(value) > 500 || strings.ContainsFunc(value, unicode.IsControl) {
			return bad()
		}
		return value, nil
	}
	return "", fmt.Errorf("unknown parameter type %q", typ)
}

// ParseParams reads a run's arguments (the rest of the command line after the action's
// name): positional in the action's parameter order, or name=value. A text parameter last
// in the order, given positionally, takes the rest of the line ("<ip> <reason:text>" reads
// "203.0.113.7 beacon to a known C2" as one reason). Every parameter is required; each is
// validated by its type, and nothing is returned unless all are valid.
func ParseParams(name string, a config.Action, line string) (map[string]string, error) {
	out := map[string]string{}
	pos := 0
	for rest := strings.TrimSpace(line); rest != ""; {
		arg, after, _ := strings.Cut(rest, " ")
		rest = strings.TrimSpace(after)
		key, val, named := strings.Cut(arg, "=")
		if named && slices.Contains(a.ParamOrder, key) {
			if _, dup := out[key]; dup {
				return nil, fmt.Errorf("%s is given twice", key)
			}
		} else {
			for pos < len(a.ParamOrder) && out[a.ParamOrder[pos]] != "" {
				pos++
			}
			if pos >= len(a.ParamOrder) {
				return nil, fmt.Errorf("%s takes %s; %q is one too many%s", name, Usage(a), arg, restHint(a))
			}
			key, val = a.ParamOrder[pos], arg
			if pos == len(a.ParamOrder)-1 && a.Params[key] == "text" && rest != "" {
				val, rest = arg+" "+rest, ""
			}
		}
		v, err := Validate(a.Params[key], val)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", key, err)
		}
		out[key] = v
	}
	for _, p := range a.ParamOrder {
		if out[p] == "" {
			return nil, fmt.Errorf("%s needs %s: %s is missing", name, Usage(a), p)
		}
	}
	return out, nil
}

// restHint says how to give several words to a text parameter that takes the rest of the
// line, for the refusal of one word too many.
func restHint(a config.Action) string {
	if n := len(a.ParamOrder); n > 0 && a.Params[a.ParamOrder[n-1]] == "text" {
		return fmt.Sprintf(" (%s takes the rest of the line when given last, without %s=)", a.ParamOrder[n-1], a.ParamOrder[n-1])
	}
	return ""
}

// Usage is an action's parameters as help shows them: "<ip:ip> <reason:text>".
func Usage(a config.Action) string {
	var parts []string
	for _, p := range a.ParamOrder {
		parts = append(parts, "<"+p+":"+a.Params[p]+">")
	}
	if len(parts) == 0 {
		return "no parameters"
	}
	return strings.Join(parts, " ")
}
