package alerts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
)

func TestParseGeneric(t *testing.T) {
	a, err := ParseGeneric("siem", []byte(`{"summary":"Beacon to 203.0.113.9 from db1","details":"Cobalt Strike profile","severity":"high",
		"dedup_key":"beacon-db1","status":"firing","observed_at":"2026-03-02T08:50:00+01:00","source_url":"https://siem.internal/alerts/77",
		"labels":{"host":"db1","team":"security"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := alert.Alert{Source: "siem", Key: "beacon-db1", Status: "firing", Summary: "Beacon to 203.0.113.9 from db1", Details: "Cobalt Strike profile",
		Severity: 2, ObservedAt: time.Date(2026, 3, 2, 7, 50, 0, 0, time.UTC), SourceURL: "https://siem.internal/alerts/77"}
	if a.Key != want.Key || a.Status != want.Status || a.Summary != want.Summary || a.Details != want.Details || a.Severity != want.Severity ||
		!a.ObservedAt.Equal(want.ObservedAt) || a.SourceURL != want.SourceURL || a.Labels["team"] != "security" {
		t.Fatalf("parsed %+v", a)
	}
	// The defaults: firing, no severity, the key is SHA-256 of source, summary and sorted
	// labels, each length-prefixed.
	a, err = ParseGeneric("siem", []byte(`{"summary":"Disk full","severity":1}`))
	sum := sha256.Sum256([]byte("4:siem;9:Disk full;"))
	if err != nil || a.Status != "firing" || a.Severity != 1 || a.Key != hex.EncodeToString(sum[:]) || !a.ObservedAt.IsZero() {
		t.Fatalf("defaults: %+v %v", a, err)
	}
}

func TestParseGenericNamesWhatIsWrong(t *testing.T) {
	for body, want := range map[string]string{
		``:                                    "empty",
		`{"summary":`:                         "cut short",
		`[1,2]`:                               "must be a JSON object",
		`{}`:                                  "summary is required",
		`{"summary":"   "}`:                   "summary is required",
		`{"summary":3}`:                       "summary must be a JSON string",
		`{"summary":"x","severity":"urgent"}`: `severity "urgent" is not`,
		`{"summary":"x","severity":7}`:        `severity "7" is not`,
		`{"summary":"x","status":"open"}`:     `status must be firing or resolved, not "open"`,
		`{"summary":"x","observed_at":"yesterday"}`:                      `observed_at "yesterday" is not an RFC 3339 time`,
		`{"summary":"x","dedupe_key":"k"}`:                               `unknown field "dedupe_key"`,
		`{"summary":"x","source_url":"javascript:alert(1)"}`:             "source_url must be an http or https URL",
		`{"summary":"x","labels":{"a":1}}`:                               "labels",
		`{"summary":"x"} {"summary":"y"}`:                                "more than one JSON value",
		`{"summary":"x","dedup_key":"` + strings.Repeat("k", 513) + `"}`: "dedup_key is 513 bytes",
		`{"summary":"` + strings.Repeat("s", 1001) + `"}`:                "summary is 1001 characters",
	} {
		_, err := ParseGeneric("siem", []byte(body))
		var be *BodyError
		if !errors.As(err, &be) || !strings.Contains(be.Msg, want) {
			t.Errorf("%.60s: err = %v, want a BodyError containing %q", body, err, want)
		}
	}
	if _, err := Parse(alert.FormatGeneric, "siem", []byte("{\"summary\":\"\xff\"}")); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseAlertmanagerV4(t *testing.T) {
	a, err := ParseAlertmanager("prometheus", readTestdata(t, "alertmanager-firing.json"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Key != `{}/{team="security"}:{alertname="SSHBruteForce"}` || a.Status != "firing" || a.Severity != 1 || a.Summary != "SSHBruteForce" {
		t.Fatalf("group: %+v", a)
	}
	if !a.ObservedAt.Equal(time.Date(2026, 3, 2, 8, 55, 12, 345000000, time.UTC)) {
		t.Errorf("observed at %v, want the earliest startsAt", a.ObservedAt)
	}
	if len(a.Members) != 2 || a.Members[1].Labels["instance"] != "bastion-2:9100" || a.Members[0].Annotations["description"] == "" ||
		a.Members[0].Fingerprint != "a3c7f1e2b4d5c6e7" || a.Labels["team"] != "security" {
		t.Fatalf("members and labels: %+v / %+v", a.Members, a.Labels)
	}
	if !strings.HasPrefix(a.SourceURL, "http://prometheus.internal:9090/graph?") || !strings.Contains(a.Details, "[firing] alertname=SSHBruteForce instance=bastion-2:9100") {
		t.Errorf("source %q details %q", a.SourceURL, a.Details)
	}
	r, err := ParseAlertmanager("prometheus", readTestdata(t, "alertmanager-resolved.json"))
	if err != nil || r.Status != "resolved" || r.Key != a.Key {
		t.Fatalf("resolved: %+v %v", r, err)
	}
	d, err := ParseAlertmanager("prometheus", readTestdata(t, "alertmanager-docs-example.json"))
	if err != nil || d.Summary != "Instance down" || d.Severity != 3 || d.Key != `{}:{alertname="InstanceDown"}` {
		t.Fatalf("docs example: %+v %v", d, err)
	}
}

func TestParseAlertmanagerNamesWhatIsWrong(t *testing.T) {
	good := string(readTestdata(t, "alertmanager-docs-example.json"))
	for name, c := range map[string]struct{ from, to, want string }{
		"version 3":    {`"version": "4"`, `"version": "3"`, `version is "3"`},
		"no group key": {`"groupKey": "{}:{alertname=\"InstanceDown\"}"`, `"groupKey": ""`, "groupKey is required"},
		"bad status": {`"status": "firing",
  "receiver"`, `"status": "pending",
  "receiver"`, `status must be firing or resolved, not "pending"`},
		"bad startsAt":   {`"startsAt": "2026-03-02T08:59:00Z"`, `"startsAt": "soon"`, `alerts[0].startsAt "soon"`},
		"no alerts":      {`"alerts": [`, `"alerts": [], "x": [`, "alerts is empty"},
		"labels not map": {`"commonLabels": {"alertname": "InstanceDown", "job": "node", "severity": "warning"}`, `"commonLabels": ["x"]`, "commonLabels must be a JSON object"},
	} {
		body := strings.Replace(good, c.from, c.to, 1)
		if body == good {
			t.Fatalf("%s: replacement did not apply", name)
		}
		_, err := ParseAlertmanager("prometheus", []byte(body))
		var be *BodyError
		if !errors.As(err, &be) || !strings.Contains(be.Msg, c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}

// FuzzParse: whatever the body, Parse either refuses it with a BodyError or returns an
// alert every later step can rely on — a non-blank key within bounds, a known status, a
// non-blank summary within bounds, a severity of 0–4 — and parses the same way twice.
func FuzzParse(f *testing.F) {
	f.Add(alert.FormatGeneric, []byte(`{"summary":"Beacon","severity":"high","labels":{"a":"b"}}`))
	f.Add(alert.FormatGeneric, []byte(`{"summary":"x","status":"resolved","observed_at":"2026-03-02T08:50:00Z","source_url":"https://a.b/c"}`))
	f.Add(alert.FormatAlertmanager, readTestdata(f, "alertmanager-firing.json"))
	f.Add(alert.FormatAlertmanager, readTestdata(f, "alertmanager-docs-example.json"))
	f.Fuzz(func(t *testing.T, format string, body []byte) {
		if format != alert.FormatGeneric && format != alert.FormatAlertmanager {
			format = alert.FormatGeneric
		}
		a, err := Parse(format, "src", body)
		if err != nil {
			var be *BodyError
			if !errors.As(err, &be) || be.Msg == "" {
				t.Fatalf("error that is not a BodyError: %v", err)
			}
			return
		}
		switch {
		case strings.TrimSpace(a.Key) == "" || len(a.Key) > maxKey:
			t.Fatalf("key %q", a.Key)
		case a.Status != alert.StatusFiring && a.Status != alert.StatusResolved:
			t.Fatalf("status %q", a.Status)
		case strings.TrimSpace(a.Summary) == "" || len([]rune(a.Summary)) > maxSummary:
			t.Fatalf("summary %q", a.Summary)
		case a.Severity < 0 || a.Severity > 4:
			t.Fatalf("severity %d", a.Severity)
		case a.Source != "src":
			t.Fatalf("source %q", a.Source)
		}
		b, err := Parse(format, "src", body)
		if err != nil || b.Key != a.Key || b.Summary != a.Summary || b.Details != a.Details {
			t.Fatalf("not deterministic: %+v vs %+v (%v)", a, b, err)
		}
	})
}
