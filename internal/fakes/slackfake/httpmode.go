package slackfake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// HTTP mode: the fake plays Slack calling the bot's own endpoints, with
// correctly (or deliberately wrongly) signed requests.

// Default paths on the bot; override per call with AtPath.
const (
	CommandsPath     = "/slack/commands"
	EventsPath       = "/slack/events"
	InteractionsPath = "/slack/interactions"
)

// HTTPResult is the bot's answer.
type HTTPResult struct {
	Status int
	Body   []byte
	Header http.Header
}

type httpReq struct {
	path        string
	forge       bool
	tsOffset    time.Duration
	omitSig     bool
	omitTS      bool
	oversize    int
	retryNum    int
	retryReason string
	headers     http.Header
}

// HTTPOption adjusts one HTTP-mode request.
type HTTPOption func(*httpReq)

// AtPath posts to path instead of the default for the helper.
func AtPath(path string) HTTPOption { return func(r *httpReq) { r.path = path } }

// ForgedSignature signs with the wrong secret.
func ForgedSignature() HTTPOption { return func(r *httpReq) { r.forge = true } }

// StaleTimestamp signs correctly but 10 minutes in the past, outside
// Slack's 5-minute window.
func StaleTimestamp() HTTPOption { return TimestampOffset(-10 * time.Minute) }

// TimestampOffset shifts the signed timestamp by d from now.
func TimestampOffset(d time.Duration) HTTPOption { return func(r *httpReq) { r.tsOffset = d } }

// OmitSignature leaves out X-Slack-Signature.
func OmitSignature() HTTPOption { return func(r *httpReq) { r.omitSig = true } }

// OmitTimestamp leaves out X-Slack-Request-Timestamp.
func OmitTimestamp() HTTPOption { return func(r *httpReq) { r.omitTS = true } }

// Oversized pads the body to at least n bytes while keeping it well-formed
// and validly signed, so only a size limit can reject it.
func Oversized(n int) HTTPOption { return func(r *httpReq) { r.oversize = n } }

// RetryHeaders adds X-Slack-Retry-Num and X-Slack-Retry-Reason
// (e.g. 1, "http_timeout"), as Slack does when it redelivers an event.
func RetryHeaders(num int, reason string) HTTPOption {
	return func(r *httpReq) { r.retryNum, r.retryReason = num, reason }
}

// WithHeader adds an arbitrary header.
func WithHeader(k, v string) HTTPOption {
	return func(r *httpReq) {
		if r.headers == nil {
			r.headers = http.Header{}
		}
		r.headers.Add(k, v)
	}
}

// HTTPSender posts Slack-shaped requests to a bot's HTTP endpoints.
type HTTPSender struct {
	BaseURL string // the bot's base URL, e.g. "http://127.0.0.1:8080"
	Signer  Signer
	Client  *http.Client
	fake    *Server
}

// HTTPSender returns a sender signing with this fake's secret and filling
// payload defaults (response_url, trigger_id, ...) from this fake.
func (s *Server) HTTPSender(baseURL string) *HTTPSender {
	return &HTTPSender{
		BaseURL: strings.TrimSuffix(baseURL, "/"),
		Signer:  Signer{Secret: s.cfg.signingSecret},
		Client:  &http.Client{Timeout: 10 * time.Second},
		fake:    s,
	}
}

// SlashCommand POSTs a url-encoded slash command (default path /slack/commands).
func (h *HTTPSender) SlashCommand(cmd SlashCommandFields, opts ...HTTPOption) (HTTPResult, error) {
	cmd = h.fake.PrepareSlashCommand(cmd)
	return h.post(CommandsPath, "application/x-www-form-urlencoded", []byte(cmd.Form().Encode()), opts)
}

// Event POSTs an Events API JSON body (default path /slack/events).
func (h *HTTPSender) Event(body []byte, opts ...HTTPOption) (HTTPResult, error) {
	return h.post(EventsPath, "application/json", body, opts)
}

// ReactionAdded POSTs a reaction_added event. A non-zero r.RetryAttempt
// becomes the X-Slack-Retry-* headers. It also returns the event_id.
func (h *HTTPSender) ReactionAdded(r ReactionAdded, opts ...HTTPOption) (HTTPResult, string, error) {
	body, id := h.fake.ReactionAddedEvent(r)
	if r.RetryAttempt > 0 {
		opts = append([]HTTPOption{RetryHeaders(r.RetryAttempt, or(r.RetryReason, "http_timeout"))}, opts...)
	}
	res, err := h.Event(body, opts...)
	return res, id, err
}

// URLVerification POSTs the url_verification handshake.
func (h *HTTPSender) URLVerification(challenge string, opts ...HTTPOption) (HTTPResult, error) {
	body, _ := json.Marshal(map[string]string{"token": verificationToken, "challenge": challenge, "type": "url_verification"})
	return h.Event(body, opts...)
}

// Interaction POSTs an interactive payload as the form field "payload"
// (default path /slack/interactions).
func (h *HTTPSender) Interaction(payload []byte, opts ...HTTPOption) (HTTPResult, error) {
	form := url.Values{"payload": {string(payload)}}
	return h.post(InteractionsPath, "application/x-www-form-urlencoded", []byte(form.Encode()), opts)
}

// BlockAction is Interaction(fake.BlockActionsPayload(a)).
func (h *HTTPSender) BlockAction(a BlockAction, opts ...HTTPOption) (HTTPResult, error) {
	return h.Interaction(h.fake.BlockActionsPayload(a), opts...)
}

// Post sends any body to path with the Slack signing headers.
func (h *HTTPSender) Post(path, contentType string, body []byte, opts ...HTTPOption) (HTTPResult, error) {
	return h.post(path, contentType, body, opts)
}

func (h *HTTPSender) post(defPath, contentType string, body []byte, opts []HTTPOption) (HTTPResult, error) {
	o := httpReq{path: defPath}
	for _, f := range opts {
		f(&o)
	}
	if o.oversize > len(body) {
		body = pad(contentType, body, o.oversize)
	}
	req, err := http.NewRequest(http.MethodPost, h.BaseURL+o.path, bytes.NewReader(body))
	if err != nil {
		return HTTPResult{}, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	signer := h.Signer
	if o.forge {
		signer.Secret = "forged-" + signer.Secret
	}
	signer.Sign(req.Header, time.Now().Add(o.tsOffset), body)
	if o.omitSig {
		req.Header.Del("X-Slack-Signature")
	}
	if o.omitTS {
		req.Header.Del("X-Slack-Request-Timestamp")
	}
	if o.retryNum > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(o.retryNum))
		req.Header.Set("X-Slack-Retry-Reason", o.retryReason)
	}
	for k, vs := range o.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		return HTTPResult{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return HTTPResult{Status: resp.StatusCode, Body: b, Header: resp.Header}, err
}

// pad grows body to n bytes without making it malformed: an extra form
// field for url-encoded bodies, trailing whitespace for JSON.
func pad(contentType string, body []byte, n int) []byte {
	out := append([]byte(nil), body...)
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		out = append(out, "&pad="...)
		return append(out, bytes.Repeat([]byte("x"), max(0, n-len(out)))...)
	}
	return append(out, bytes.Repeat([]byte(" "), n-len(out))...)
}
