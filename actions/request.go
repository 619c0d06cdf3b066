package actions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/warroom/warroom/config"
)

// TemplateData is what an action's templates see.
type TemplateData struct {
	Params    map[string]string
	Incident  string // "INC-7"
	Title     string // empty for a codename incident unless the action has expose_title
	Severity  int
	Requester string
	Approvers []string
	Run       int64
}

// Request is a rendered call.
type Request struct {
	Method  string
	URL     string
	Headers map[string]string
	Body    []byte
}

// BodySHA256 is the hex SHA-256 of the body (what the timeline records of it).
func (r Request) BodySHA256() string { return sha(r.Body) }

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func render(name, text string, d TemplateData) (string, error) {
	t, err := template.New(name).Funcs(config.TemplateFuncs).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Render builds the call of action a. The rendered URL is checked against the egress
// allowlist again: a parameter must not be able to move it elsewhere.
func Render(a config.Action, egress config.Egress, d TemplateData) (Request, error) {
	r := Request{Method: a.Request.Method, Headers: map[string]string{}}
	var err error
	if r.URL, err = render("url", a.Request.URL, d); err != nil {
		return r, err
	}
	if !egress.URLAllowed(r.URL) {
		return r, fmt.Errorf("egress: %s is outside egress.allow_urls", r.URL)
	}
	body, err := render("body", a.Request.Body, d)
	if err != nil {
		return r, err
	}
	r.Body = []byte(body)
	for k, v := range a.Request.Headers {
		if r.Headers[k], err = render("headers."+k, v, d); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Signer sets the Standard Webhooks headers (stdwebhook.Key satisfies it).
type Signer interface {
	SetHeaders(h http.Header, id string, ts time.Time, body []byte)
}

// Result is what came back from one attempt.
type Result struct {
	Status  int    // 0: no answer (network error, timeout, refused by the egress guard)
	BodySHA string // SHA-256 of the whole answer
	Head    string // its first 500 bytes
	Err     error
}

// Retryable says whether another attempt may succeed: no answer, 408, 429 or a 5xx. An
// answer refused by the egress guard is final.
func (r Result) Retryable() bool {
	if r.Err != nil {
		return !errors.Is(r.Err, ErrPrivate)
	}
	return r.Status == 408 || r.Status == 429 || r.Status >= 500
}

// OK says whether the receiver accepted the call (2xx).
func (r Result) OK() bool { return r.Err == nil && r.Status >= 200 && r.Status < 300 }

// maxAnswer bounds how much of an answer is read (and hashed).
const maxAnswer = 1 << 20

// Do makes one attempt: signed with webhook-id = id (the run's id, the same on every
// attempt, so the receiver can deduplicate), bounded by timeout.
func Do(ctx context.Context, c *http.Client, r Request, id string, s Signer, now time.Time, timeout time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return Result{Err: err}
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	if req.Header.Get("Content-Type") == "" && len(r.Body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "warroom-actions")
	s.SetHeaders(req.Header, id, now, r.Body)
	resp, err := c.Do(req)
	if err != nil {
		return Result{Err: withoutURL(err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return Result{Status: resp.StatusCode, Err: err}
	}
	head := b
	if len(head) > 500 {
		head = head[:500]
	}
	return Result{Status: resp.StatusCode, BodySHA: sha(b), Head: strings.ToValidUTF8(string(head), "�")}
}

// withoutURL drops the URL Go's HTTP client puts in its errors: it may be built from the
// run's parameters, and the error is logged (where a redaction cannot reach) and posted.
// The call's entry already names the URL.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
