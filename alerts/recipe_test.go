package alerts_test

import (
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// recipe returns the fenced block that follows `<!-- recipe: name -->` in docs/alerts.md.
func recipe(t *testing.T, name string) string {
	t.Helper()
	doc, err := os.ReadFile("../docs/alerts.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- recipe: " + regexp.QuoteMeta(name) + " -->\n```[a-z]*\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/alerts.md has no recipe %q", name)
	}
	return string(m[1])
}

// The curl recipe in docs/alerts.md signs an alert the endpoint accepts — with a whsec_
// secret and with a raw one.
func TestDocsCurlRecipeSignsAGenericAlert(t *testing.T) {
	for _, tool := range []string{"bash", "openssl", "curl", "base64", "od"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the recipe needs %s, which is not installed", tool)
		}
	}
	f := newRealtimeFixture(t)
	script := recipe(t, "sign-generic")
	run := func(secret string) string {
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Env = append(os.Environ(), "WARROOM="+f.srv.URL, "WARROOM_ALERTS_SIEM_SECRET="+secret)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("recipe: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run(siemSecret); got != `{"incident":"INC-1","new":true}` {
		t.Fatalf("first run answered %s", got)
	}
	if got := run(siemSecret); got != `{"incident":"INC-1","new":false}` {
		t.Fatalf("second run answered %s", got)
	}
	// A raw (non-whsec_) secret: the same recipe, the other branch.
	raw := newRealtimeFixtureWith(t, "a raw secret, not base64")
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), "WARROOM="+raw.srv.URL, "WARROOM_ALERTS_SIEM_SECRET=a raw secret, not base64")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != `{"incident":"INC-1","new":true}` {
		t.Fatalf("raw secret: %v %s", err, out)
	}
}

// The Alertmanager webhook_config in docs/alerts.md is valid YAML of Alertmanager's shape,
// points at a warroom alert source and authenticates with a bearer token.
func TestDocsAlertmanagerConfig(t *testing.T) {
	var cfg struct {
		Route struct {
			Receiver string `yaml:"receiver"`
		} `yaml:"route"`
		Receivers []struct {
			Name           string `yaml:"name"`
			WebhookConfigs []struct {
				URL          string `yaml:"url"`
				SendResolved bool   `yaml:"send_resolved"`
				MaxAlerts    int    `yaml:"max_alerts"`
				HTTPConfig   struct {
					Authorization struct {
						Type            string `yaml:"type"`
						CredentialsFile string `yaml:"credentials_file"`
					} `yaml:"authorization"`
				} `yaml:"http_config"`
			} `yaml:"webhook_configs"`
		} `yaml:"receivers"`
	}
	if err := yaml.Unmarshal([]byte(recipe(t, "alertmanager-config")), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Receivers) != 1 || cfg.Receivers[0].Name != cfg.Route.Receiver || len(cfg.Receivers[0].WebhookConfigs) != 1 {
		t.Fatalf("config %+v", cfg)
	}
	wc := cfg.Receivers[0].WebhookConfigs[0]
	if !strings.HasSuffix(wc.URL, "/hooks/alerts/prometheus") || !wc.SendResolved || wc.HTTPConfig.Authorization.Type != "Bearer" ||
		wc.HTTPConfig.Authorization.CredentialsFile == "" {
		t.Fatalf("webhook_config %+v", wc)
	}
	// And what that Alertmanager sends is accepted by a source configured as the docs say.
	f := newFixture(t, 100)
	if a := f.do(f.bearer(readFile(t, "alertmanager-firing.json"), promToken)); a.status != http.StatusAccepted {
		t.Fatalf("%d %s", a.status, a.raw)
	}
}
