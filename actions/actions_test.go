package actions

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/config"
)

func TestValidateByType(t *testing.T) {
	good := map[string][2]string{
		"ip4": {"ip", "203.0.113.7"}, "ip6": {"ip", "2001:db8::7"}, "mapped": {"ip", "::ffff:203.0.113.7"},
		"cidr": {"cidr", "203.0.113.9/24"}, "host": {"host", "Files01.Corp.Example"}, "user": {"user", `CORP\jdoe`},
		"email": {"email", "jdoe@corp.example"}, "sha": {"sha256", strings.Repeat("AB", 32)}, "url": {"url", "https://evil.example/x?y=1"},
		"text": {"text", "contain now"},
	}
	want := map[string]string{"mapped": "203.0.113.7", "cidr": "203.0.113.0/24", "host": "files01.corp.example", "sha": strings.Repeat("ab", 32)}
	for name, c := range good {
		v, err := Validate(c[0], c[1])
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if w, ok := want[name]; ok && v != w {
			t.Errorf("%s: %q, want %q", name, v, w)
		}
	}
	bad := map[string][2]string{
		"ip": {"ip", "203.0.113.256"}, "ip zone": {"ip", "fe80::1%eth0"}, "ip junk": {"ip", "203.0.113.7; rm -rf /"},
		"cidr": {"cidr", "203.0.113.7"}, "host": {"host", "evil.example/../x"}, "host space": {"host", "a b"},
		"user": {"user", "-rf"}, "email": {"email", "Bob <bob@x.example>"}, "sha": {"sha256", "abc"},
		"url scheme": {"url", "file:///etc/passwd"}, "url user": {"url", "https://u:p@x.example/"},
		"text ctrl": {"text", "a\x00b"}, "text long": {"text", strings.Repeat("x", 501)},
	}
	for name, c := range bad {
		_, err := Validate(c[0], c[1])
		if err == nil || !strings.Contains(err.Error(), "expected type "+c[0]) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

var blockIP = config.Action{Params: map[string]string{"ip": "ip", "reason": "text"}, ParamOrder: []string{"ip", "reason"}}

func TestParseParams(t *testing.T) {
	p, err := ParseParams("block-ip", blockIP, "203.0.113.7 reason=beacon")
	if err != nil || p["ip"] != "203.0.113.7" || p["reason"] != "beacon" {
		t.Fatalf("%v %v", p, err)
	}
	p, err = ParseParams("block-ip", blockIP, "reason=x 203.0.113.7")
	if err != nil || p["ip"] != "203.0.113.7" {
		t.Fatalf("named first: %v %v", p, err)
	}
	for args, want := range map[string]string{
		"nope x":                        "ip: \"nope\" is not an IP address",
		"203.0.113.7":                   "reason is missing",
		"203.0.113.7 reason=a b":        `"b" is one too many (reason takes the rest of the line when given last, without reason=)`,
		"203.0.113.7 tab\there":         "reason: \"tab\\there\" is not one line of text of at most 500 characters (expected type text)",
		"203.0.113.7 " + long(501):      "reason: ",
		"ip=203.0.113.7 ip=203.0.113.8": "ip is given twice",
	} {
		_, err := ParseParams("block-ip", blockIP, args)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %s", args, err, want)
		}
	}
}

func long(n int) string { return strings.Repeat("x", n) }

// A text parameter last in the order, given positionally, takes the rest of the line; a
// parameter of any other type, or one not last, takes one word.
func TestLastTextParamTakesTheRestOfTheLine(t *testing.T) {
	p, err := ParseParams("block-ip", blockIP, "203.0.113.7  beacon to a known C2, see case 7 ")
	if err != nil || p["ip"] != "203.0.113.7" || p["reason"] != "beacon to a known C2, see case 7" {
		t.Fatalf("%q %v", p, err)
	}
	p, err = ParseParams("block-ip", blockIP, "reason=seen 203.0.113.7")
	if err != nil || p["reason"] != "seen" || p["ip"] != "203.0.113.7" {
		t.Fatalf("named text then ip: %q %v", p, err)
	}
	p, err = ParseParams("block-ip", blockIP, "ip=203.0.113.7 two words")
	if err != nil || p["reason"] != "two words" {
		t.Fatalf("ip named, reason positional: %q %v", p, err)
	}
	notLast := config.Action{Params: map[string]string{"note": "text", "ip": "ip"}, ParamOrder: []string{"note", "ip"}}
	if _, err := ParseParams("tag", notLast, "two words 203.0.113.7"); err == nil || !strings.Contains(err.Error(), `ip: "words" is not an IP address`) {
		t.Fatalf("text not last takes one word: %v", err)
	}
}

// A parameter cannot break out of the JSON body or move the URL outside the allowlist.
func TestRenderEscapesAndRechecksTheURL(t *testing.T) {
	a := config.Action{Request: config.ActionRequest{Method: "POST", URL: "https://soar.example/hooks/{{.Params.path}}",
		Body: `{"reason": {{json .Params.reason}}, "incident": {{json .Incident}}}`, Headers: map[string]string{"X-Incident": "{{.Incident}}"}}}
	eg := config.Egress{AllowURLs: []string{"https://soar.example/hooks/"}}
	r, err := Render(a, eg, TemplateData{Params: map[string]string{"path": "block", "reason": `x", "admin": true, "y": "`}, Incident: "INC-7"})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil || len(body) != 2 || body["reason"] != `x", "admin": true, "y": "` {
		t.Fatalf("body %s: %v %v", r.Body, body, err)
	}
	if r.Headers["X-Incident"] != "INC-7" || r.URL != "https://soar.example/hooks/block" {
		t.Fatalf("%+v", r)
	}
	a.Request.URL = "https://soar.example{{.Params.path}}"
	if _, err := Render(a, eg, TemplateData{Params: map[string]string{"path": ".evil.example/", "reason": ""}}); err == nil {
		t.Fatal("a parameter moved the URL to another host")
	}
	a.Request.URL = "https://soar.example/hooks/{{.Params.missing}}"
	if _, err := Render(a, eg, TemplateData{Params: map[string]string{}}); err == nil {
		t.Fatal("missing key rendered")
	}
}

type idSigner struct{ ids []string }

func (s *idSigner) SetHeaders(h http.Header, id string, ts time.Time, body []byte) {
	s.ids = append(s.ids, id)
	h.Set("webhook-id", id)
}

// The guard checks the address connected to: a loopback receiver is refused, also by a
// name that resolves to it, unless allow_private.
func TestEgressGuardChecksTheConnectedAddress(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		io.WriteString(w, strings.Repeat("y", 600))
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	s := &idSigner{}
	for _, u := range []string{srv.URL + "/", "http://localhost" + port + "/"} {
		res := Do(context.Background(), NewClient(false), Request{Method: "POST", URL: u}, "run-1", s, time.Now(), 5*time.Second)
		if res.Err == nil || !errors.Is(res.Err, ErrPrivate) || res.Retryable() {
			t.Fatalf("%s: %+v", u, res)
		}
	}
	if hits != 0 {
		t.Fatal("the guard let a call through")
	}
	res := Do(context.Background(), NewClient(true), Request{Method: "POST", URL: srv.URL + "/", Body: []byte("{}")}, "run-1", s, time.Now(), 5*time.Second)
	if !res.OK() || hits != 1 || len(res.Head) != 500 || len(res.BodySHA) != 64 {
		t.Fatalf("allowed call: %+v hits %d", res, hits)
	}
	for _, a := range []string{"10.0.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::1", "fc00::1", "0.0.0.0"} {
		if guard(false)("tcp", a+":443", nil) == nil && !strings.Contains(a, ":") || guard(false)("tcp", "["+a+"]:443", nil) == nil && strings.Contains(a, ":") {
			t.Errorf("%s allowed", a)
		}
	}
	if guard(false)("tcp", "203.0.113.7:443", nil) != nil {
		t.Error("public address refused")
	}
}

func TestRetryableAndTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(300 * time.Millisecond)
		}
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c := NewClient(true)
	if r := Do(context.Background(), c, Request{Method: "GET", URL: srv.URL + "/"}, "i", &idSigner{}, time.Now(), time.Second); r.Status != 503 || !r.Retryable() || r.OK() {
		t.Fatalf("%+v", r)
	}
	if r := Do(context.Background(), c, Request{Method: "GET", URL: srv.URL + "/slow"}, "i", &idSigner{}, time.Now(), 50*time.Millisecond); r.Err == nil || !r.Retryable() {
		t.Fatalf("timeout: %+v", r)
	}
	if (Result{Status: 404}).Retryable() || !(Result{Status: 429}).Retryable() {
		t.Fatal("retry rules")
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"203.0.113.7", "a.example", "x@y.example", "https://x.example/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range config.ParamTypes {
			v, err := Validate(typ, s)
			if err != nil {
				continue
			}
			// A valid value is canonical (validating it again changes nothing) and never
			// carries a control character into a template.
			if v2, err := Validate(typ, v); err != nil || v2 != v {
				t.Fatalf("%s %q → %q → %q %v", typ, s, v, v2, err)
			}
			if strings.ContainsAny(v, "\x00\r\n") {
				t.Fatalf("%s %q has a control character", typ, v)
			}
		}
	})
}
