package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/warroom/warroom/internal/duration"
)

// ParamTypes are the types an action parameter may have (actions.Validate checks them).
var ParamTypes = []string{"ip", "cidr", "host", "user", "email", "sha256", "url", "text"}

// Action is a response action: an HTTP call to a SOAR, firewall or EDR, made from a
// template with typed parameters, signed with Standard Webhooks headers, and, when
// Approval is set, only once enough of the right people approved it.
type Action struct {
	Describe string `yaml:"describe"`
	// Params maps each parameter's name to its type. Chat gives them in the order the file
	// lists them (ParamOrder), or as name=value.
	Params    map[string]string `yaml:"params"`
	Request   ActionRequest     `yaml:"request"`
	SecretEnv string            `yaml:"secret_env"`
	Approval  *Approval         `yaml:"approval"`
	// Undo names the inverse action, run with the same parameters by /incident undo.
	Undo string `yaml:"undo"`
	// Timeout bounds one attempt (default 10s); TimeoutTotal bounds all retries (10m).
	Timeout      duration.Duration `yaml:"timeout"`
	TimeoutTotal duration.Duration `yaml:"timeout_total"`
	// ExposeTitle lets templates see .Title of a codename incident.
	ExposeTitle bool `yaml:"expose_title"`

	// ParamOrder is Params' names in the order of the file.
	ParamOrder []string `yaml:"-"`
}

// ActionRequest is the HTTP request, each string a text/template.
type ActionRequest struct {
	Method  string            `yaml:"method"`
	URL     string            `yaml:"url"`
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
}

// Approval says who must approve a run before it is sent.
type Approval struct {
	Roles        []string          `yaml:"roles"`
	Quorum       int               `yaml:"quorum"`
	NotRequester bool              `yaml:"not_requester"`
	Expires      duration.Duration `yaml:"expires"`
}

// Egress limits where actions may call.
type Egress struct {
	// AllowURLs are URL prefixes (scheme://host[:port]/path/); every action URL must start
	// with one of them.
	AllowURLs []string `yaml:"allow_urls"`
	// AllowPrivate lets calls reach loopback, private and link-local addresses.
	AllowPrivate bool `yaml:"allow_private"`
}

// Default action timings.
const (
	DefaultActionTimeout      = 10 * time.Second
	DefaultActionTimeoutTotal = 10 * time.Minute
	DefaultApprovalExpires    = 15 * time.Minute
)

// TemplateFuncs are the functions action templates may use: json encodes a value as JSON
// (a string becomes a quoted, escaped JSON string), so parameters cannot break the body.
var TemplateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

var paramNameRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// URLAllowed says whether u starts with one of the allowed prefixes.
func (e Egress) URLAllowed(u string) bool {
	for _, p := range e.AllowURLs {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

// validateActions checks every action: parameter types, templates (parsed here, so a
// mistake stops start-up with its line), the URL against the egress allowlist, undo and
// approval roles. lines gives a key's line for ParamOrder.
func (c *Config) validateActions(data []byte, bad func(path, key, format string, args ...any)) {
	roles := c.Roles
	if len(roles) == 0 {
		roles = DefaultRoles
	}
	for i, p := range c.Egress.AllowURLs {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasSuffix(u.Path, "/") || u.RawQuery != "" || u.User != nil {
			bad(fmt.Sprintf("$.egress.allow_urls[%d]", i), fmt.Sprintf("egress.allow_urls[%d]", i),
				"%q is not an allowed URL prefix: write scheme://host/ with a path ending in / (e.g. https://soar.internal/hooks/)", p)
		}
	}
	for name, a := range c.Actions {
		path, key := "$.actions."+name, "actions."+name
		if !typeRe.MatchString(name) {
			bad(path, key, "%q is not a valid action name (lowercase letters, digits and -)", name)
		}
		for pn, pt := range a.Params {
			if !paramNameRe.MatchString(pn) {
				bad(path+".params."+pn, key+".params."+pn, "%q is not a valid parameter name (lowercase letters, digits, _)", pn)
			}
			if !slices.Contains(ParamTypes, pt) {
				bad(path+".params."+pn, key+".params."+pn, "unknown parameter type %q (types: %s)", pt, strings.Join(ParamTypes, ", "))
			}
		}
		r := a.Request
		if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, r.Method) {
			bad(path+".request.method", key+".request.method", "method must be GET, POST, PUT, PATCH or DELETE, not %q", r.Method)
		}
		parse := func(field, text string) {
			if _, err := template.New(field).Funcs(TemplateFuncs).Option("missingkey=error").Parse(text); err != nil {
				bad(path+".request."+field, key+".request."+field, "template: %v", err)
			}
		}
		parse("url", r.URL)
		parse("body", r.Body)
		for h, v := range r.Headers {
			parse("headers."+h, v)
		}
		// The scheme, host and leading path are literal, so the allowlist is checked now;
		// the rendered URL is checked again before every call.
		lit := r.URL
		if i := strings.Index(lit, "{{"); i >= 0 {
			lit = lit[:i]
		}
		if u, err := url.Parse(lit); err != nil || u.Host == "" || !c.Egress.URLAllowed(lit) || (strings.Contains(r.URL, "{{") && !strings.Contains(u.Path, "/")) {
			bad(path+".request.url", key+".request.url", "%q is outside egress.allow_urls %v (its scheme and host must be literal and allowed)", r.URL, c.Egress.AllowURLs)
		}
		if a.SecretEnv == "" {
			bad(path, key+".secret_env", "every action is signed: name the environment variable holding its secret (whsec_… or raw)")
		}
		if a.Undo != "" {
			u, ok := c.Actions[a.Undo]
			if !ok {
				bad(path+".undo", key+".undo", "unknown action %q", a.Undo)
			} else {
				for pn := range u.Params {
					if _, ok := a.Params[pn]; !ok {
						bad(path+".undo", key+".undo", "%s takes parameter %q, which %s does not have", a.Undo, pn, name)
					}
				}
			}
		}
		if ap := a.Approval; ap != nil {
			if len(ap.Roles) == 0 {
				bad(path+".approval", key+".approval.roles", "name the roles that may approve")
			}
			for i, ro := range ap.Roles {
				if !slices.Contains(roles, ro) && ro != "lead" {
					bad(fmt.Sprintf("%s.approval.roles[%d]", path, i), fmt.Sprintf("%s.approval.roles[%d]", key, i), "unknown role %q (roles: %v, or lead)", ro, roles)
				}
			}
			if ap.Quorum < 0 || ap.Quorum > 10 {
				bad(path+".approval.quorum", key+".approval.quorum", "quorum is 1 to 10")
			}
		}
		a.ParamOrder = paramOrder(data, path, a.Params)
		c.Actions[name] = a
	}
}

// paramOrder lists params by the line the file gives them on (alphabetical without one).
func paramOrder(data []byte, path string, params map[string]string) []string {
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		li, lj := keyLine(data, path+".params."+names[i]), keyLine(data, path+".params."+names[j])
		if li != lj {
			return li < lj
		}
		return names[i] < names[j]
	})
	return names
}

// applyActionDefaults fills the timings of every action.
func (c *Config) applyActionDefaults() {
	for name, a := range c.Actions {
		if a.Timeout == 0 {
			a.Timeout = duration.Duration(DefaultActionTimeout)
		}
		if a.TimeoutTotal == 0 {
			a.TimeoutTotal = duration.Duration(DefaultActionTimeoutTotal)
		}
		if a.Approval != nil {
			if a.Approval.Quorum == 0 {
				a.Approval.Quorum = 1
			}
			if a.Approval.Expires == 0 {
				a.Approval.Expires = duration.Duration(DefaultApprovalExpires)
			}
		}
		if len(a.ParamOrder) == 0 && len(a.Params) > 0 {
			a.ParamOrder = paramOrder(nil, "", a.Params)
		}
		c.Actions[name] = a
	}
}
