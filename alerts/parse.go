package alerts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/alerts/alert"
)

// Limits on what one alert may carry (the body as a whole is capped at MaxBody).
const (
	maxSummary    = 1000
	maxDetails    = 16000
	maxKey        = 512
	maxURL        = 2048
	maxLabels     = 64
	maxLabelKey   = 128
	maxLabelValue = 1024
	maxMembers    = 1000
)

// BodyError is a body warroom cannot take; its text says what is wrong and is answered
// with 400.
type BodyError struct{ Msg string }

func (e *BodyError) Error() string { return e.Msg }

func bad(format string, args ...any) error { return &BodyError{fmt.Sprintf(format, args...)} }

// Parse reads a body in the source's format.
func Parse(format, source string, body []byte) (alert.Alert, error) {
	if !utf8.Valid(body) {
		return alert.Alert{}, bad("the body is not valid UTF-8")
	}
	switch format {
	case alert.FormatGeneric:
		return ParseGeneric(source, body)
	case alert.FormatAlertmanager:
		return ParseAlertmanager(source, body)
	}
	return alert.Alert{}, fmt.Errorf("unknown alert format %q", format)
}

// genericBody is warroom's own alert body.
type genericBody struct {
	Summary    *string           `json:"summary"`
	Details    string            `json:"details"`
	Severity   json.RawMessage   `json:"severity"`
	DedupKey   string            `json:"dedup_key"`
	Status     string            `json:"status"`
	ObservedAt string            `json:"observed_at"`
	SourceURL  string            `json:"source_url"`
	Labels     map[string]string `json:"labels"`
}

// ParseGeneric reads the generic body: summary (required), details, severity (a name or
// 1–4), dedup_key (default: hex SHA-256 of source followed by summary), status (firing, the
// default, or resolved), observed_at (RFC 3339), source_url, labels (a string map).
// Unknown fields are refused, so a misspelt key is not silently ignored.
func ParseGeneric(source string, body []byte) (alert.Alert, error) {
	var g genericBody
	if err := decodeGeneric(body, &g); err != nil {
		return alert.Alert{}, err
	}
	if g.Summary == nil || strings.TrimSpace(*g.Summary) == "" {
		return alert.Alert{}, bad("summary is required")
	}
	a := alert.Alert{Source: source, Summary: strings.TrimSpace(*g.Summary), Details: g.Details, Labels: g.Labels, SourceURL: g.SourceURL}
	sev, err := parseSeverityJSON(g.Severity)
	if err != nil {
		return alert.Alert{}, err
	}
	a.Severity = sev
	if a.Status, err = parseStatus(g.Status); err != nil {
		return alert.Alert{}, err
	}
	if g.ObservedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, g.ObservedAt)
		if err != nil {
			return alert.Alert{}, bad("observed_at %q is not an RFC 3339 time (like 2026-03-02T09:00:00Z)", clip(g.ObservedAt))
		}
		a.ObservedAt = t.UTC()
	}
	a.Key = g.DedupKey
	if a.Key == "" {
		a.Key = defaultKey(source, a.Summary, a.Labels)
	}
	return a, check(a)
}

// defaultKey is the dedup key of an alert sent without one: the SHA-256 of its source,
// summary and sorted labels, so that alerts alike but for their labels (one per team, one
// per host) are not one group. Each part is length-prefixed, so no two alerts' parts run
// together into the same text.
func defaultKey(source, summary string, labels map[string]string) string {
	h := sha256.New()
	part := func(s string) { fmt.Fprintf(h, "%d:%s;", len(s), s) }
	part(source)
	part(summary)
	names := make([]string, 0, len(labels))
	for k := range labels {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		part(k)
		part(labels[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// amBody is Alertmanager's webhook payload, version 4 (notify/webhook: template.Data plus
// version, groupKey and truncatedAlerts).
type amBody struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   uint64            `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []amAlert         `json:"alerts"`
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     string            `json:"startsAt"`
	EndsAt       string            `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// ParseAlertmanager reads an Alertmanager v4 payload as one alert: groupKey is the dedup
// key, the payload's status the status, and each alert of the group is kept as a Member.
// The summary is the common summary annotation, else the alert name; the severity the
// common severity label; the alert's own time the earliest startsAt. Fields Alertmanager
// may add later are ignored.
func ParseAlertmanager(source string, body []byte) (alert.Alert, error) {
	var m amBody
	if err := json.Unmarshal(body, &m); err != nil {
		return alert.Alert{}, jsonProblem(err)
	}
	if m.Version != "4" {
		return alert.Alert{}, bad("version is %q; warroom reads Alertmanager's webhook version \"4\"", clip(m.Version))
	}
	if m.GroupKey == "" {
		return alert.Alert{}, bad("groupKey is required (it is the dedup key)")
	}
	status, err := parseStatus(m.Status)
	if err != nil || m.Status == "" {
		return alert.Alert{}, bad("status must be firing or resolved, not %q", clip(m.Status))
	}
	if len(m.Alerts) == 0 {
		return alert.Alert{}, bad("alerts is empty")
	}
	if len(m.Alerts) > maxMembers {
		return alert.Alert{}, bad("alerts has %d entries; at most %d", len(m.Alerts), maxMembers)
	}
	labels := map[string]string{}
	for k, v := range m.GroupLabels {
		labels[k] = v
	}
	for k, v := range m.CommonLabels {
		labels[k] = v
	}
	a := alert.Alert{Source: source, Key: m.GroupKey, Status: status, Labels: labels}
	a.Severity, _ = alert.ParseSeverity(labels["severity"])
	var details []string
	for i, x := range m.Alerts {
		st, err := parseStatus(x.Status)
		if err != nil {
			return alert.Alert{}, bad("alerts[%d].status must be firing or resolved, not %q", i, clip(x.Status))
		}
		if x.StartsAt != "" {
			t, err := time.Parse(time.RFC3339Nano, x.StartsAt)
			if err != nil {
				return alert.Alert{}, bad("alerts[%d].startsAt %q is not an RFC 3339 time", i, clip(x.StartsAt))
			}
			if t.Year() > 1 && (a.ObservedAt.IsZero() || t.Before(a.ObservedAt)) {
				a.ObservedAt = t.UTC()
			}
		}
		if a.SourceURL == "" {
			a.SourceURL = x.GeneratorURL
		}
		a.Members = append(a.Members, alert.Member{Status: st, Labels: x.Labels, Annotations: x.Annotations, StartsAt: x.StartsAt,
			EndsAt: x.EndsAt, GeneratorURL: x.GeneratorURL, Fingerprint: x.Fingerprint})
		details = append(details, memberLine(st, x))
	}
	if a.SourceURL == "" {
		a.SourceURL = m.ExternalURL
	}
	a.Summary = firstNonEmpty(m.CommonAnnotations["summary"], m.CommonLabels["alertname"], m.Alerts[0].Annotations["summary"],
		m.Alerts[0].Labels["alertname"], "Alertmanager alert from "+m.Receiver)
	a.Details = strings.Join(details, "\n")
	if m.TruncatedAlerts > 0 {
		a.Details += fmt.Sprintf("\n(%d more alerts truncated by Alertmanager's max_alerts)", m.TruncatedAlerts)
	}
	if rs := []rune(a.Details); len(rs) > maxDetails {
		a.Details = string(rs[:maxDetails-1]) + "…"
	}
	if rs := []rune(a.Summary); len(rs) > maxSummary {
		a.Summary = string(rs[:maxSummary-1]) + "…"
	}
	return a, check(a)
}

// memberLine is one Alertmanager alert in the details: status, labels, summary.
func memberLine(status string, x amAlert) string {
	keys := make([]string, 0, len(x.Labels))
	for k := range x.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+x.Labels[k])
	}
	line := "[" + status + "] " + strings.Join(parts, " ")
	if s := firstNonEmpty(x.Annotations["summary"], x.Annotations["description"]); s != "" {
		line += ": " + s
	}
	return line
}

// check enforces the limits every format shares.
func check(a alert.Alert) error {
	switch {
	case utf8.RuneCountInString(a.Summary) > maxSummary:
		return bad("summary is %d characters; at most %d", utf8.RuneCountInString(a.Summary), maxSummary)
	case utf8.RuneCountInString(a.Details) > maxDetails:
		return bad("details is %d characters; at most %d", utf8.RuneCountInString(a.Details), maxDetails)
	case len(a.Key) > maxKey:
		return bad("dedup_key is %d bytes; at most %d", len(a.Key), maxKey)
	case strings.TrimSpace(a.Key) == "":
		return bad("dedup_key is blank")
	case len(a.Labels) > maxLabels:
		return bad("labels has %d entries; at most %d", len(a.Labels), maxLabels)
	}
	if a.SourceURL != "" {
		u, err := url.Parse(a.SourceURL)
		if err != nil || len(a.SourceURL) > maxURL || strings.ContainsAny(a.SourceURL, " \t\r\n") || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("source_url must be an http or https URL of at most %d bytes", maxURL)
		}
	}
	for k, v := range a.Labels {
		if k == "" || len(k) > maxLabelKey || len(v) > maxLabelValue {
			return bad("label %q: keys are 1–%d bytes, values at most %d", clip(k), maxLabelKey, maxLabelValue)
		}
	}
	return nil
}

func parseStatus(s string) (string, error) {
	switch s {
	case "", alert.StatusFiring:
		return alert.StatusFiring, nil
	case alert.StatusResolved:
		return alert.StatusResolved, nil
	}
	return "", bad("status must be firing or resolved, not %q", clip(s))
}

// parseSeverityJSON reads "critical", "high", "medium", "low", "sev2", "2" or 2.
func parseSeverityJSON(raw json.RawMessage) (int, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	s, ok := severityText(raw)
	if !ok && json.Unmarshal(raw, &s) != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return 0, bad("severity must be critical, high, medium, low or 1–4")
		}
		s = n.String()
	}
	if s == "" {
		return 0, nil
	}
	n, ok := alert.ParseSeverity(s)
	if !ok {
		return 0, bad("severity %q is not critical, high, medium, low or 1–4", clip(s))
	}
	return n, nil
}

// severityText is what parseSeverityJSON reads from raw (a JSON value as decoded) for the
// two shapes senders use, without reflection: a string with nothing to unescape, as it is,
// and a number, as its literal (json.Number's String). ok is false for anything else.
func severityText(raw json.RawMessage) (string, bool) {
	switch {
	case len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"':
		for _, c := range raw[1 : len(raw)-1] {
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				return "", false
			}
		}
		return string(raw[1 : len(raw)-1]), true
	case len(raw) > 0 && (raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9'):
		return string(raw), true
	}
	return "", false
}

// decodeStrict decodes one JSON object, refusing unknown fields and trailing data.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad("the body holds more than one JSON value")
	}
	return nil
}

// jsonProblem words a decoding error for the sender without echoing the body.
func jsonProblem(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return bad("the body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		return bad("%s must be a JSON %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return bad("the body is empty or cut short")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return bad("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return bad("the body is not a JSON object of the expected shape")
}

func jsonKind(k string) string {
	switch k {
	case "map", "struct":
		return "object"
	case "slice":
		return "array"
	case "ptr":
		return "string"
	}
	return k
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// clip shortens a value quoted back in an error.
func clip(s string) string {
	if rs := []rune(s); len(rs) > 60 {
		return string(rs[:60]) + "…"
	}
	return s
}
