package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/config"
)

const alertsConfig = `roster:
  - {name: alice}
leads: [alice]
alerts:
  sources:
    siem: {format: generic, secret_env: WARROOM_ALERTS_SIEM_SECRET}
    prometheus: {format: alertmanager, token_env: WARROOM_ALERTS_PROM_TOKEN}
  routes:
    - match: {source: siem, severity: [critical, high]}
      action: declare
      type: malware
      severity: 1
    - match: {source: prometheus, labels: {team: security}}
      action: triage
      channel: "#soc-triage"
  group_window: 1h
  rate: {per_source: 60/m, burst: 20}
`

func TestConfigDecodesAlerts(t *testing.T) {
	cfg, err := config.ParseConfig("warroom.yaml", []byte(alertsConfig))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Alerts
	if !a.Enabled() || a.Sources["siem"].SecretEnv != "WARROOM_ALERTS_SIEM_SECRET" || a.Sources["prometheus"].Format != alert.FormatAlertmanager {
		t.Fatalf("sources %+v", a.Sources)
	}
	if len(a.Routes) != 2 || a.Routes[1].Channel != "#soc-triage" || a.GroupWindow.Std() != time.Hour || a.Rate.Burst != 20 {
		t.Fatalf("routes %+v window %v rate %+v", a.Routes, a.GroupWindow, a.Rate)
	}
	r, ok := a.Route(alert.Alert{Source: "siem", Severity: 2})
	if !ok || r.Action != alert.ActionDeclare {
		t.Errorf("siem high → %+v %v", r, ok)
	}
	if _, ok := a.Route(alert.Alert{Source: "siem", Severity: 3}); ok {
		t.Error("a medium siem alert matched a critical/high route")
	}
	if r, ok := a.Route(alert.Alert{Source: "prometheus", Labels: map[string]string{"team": "security"}}); !ok || r.Action != alert.ActionTriage {
		t.Errorf("prometheus team=security → %+v %v", r, ok)
	}
	if _, ok := a.Route(alert.Alert{Source: "prometheus", Labels: map[string]string{"team": "web"}}); ok {
		t.Error("team=web matched team=security")
	}
}

func TestConfigAlertDefaults(t *testing.T) {
	cfg := config.DefaultConfig()
	if cfg.Alerts.Enabled() || cfg.Alerts.GroupWindow.Std() != time.Hour || cfg.Alerts.Rate.PerSource != "60/m" || cfg.Alerts.Rate.Burst != 20 {
		t.Fatalf("defaults %+v", cfg.Alerts)
	}
}

// Every problem in the alerts section names the file, the line and the key.
func TestConfigAlertErrorsNameFileLineKey(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"unknown format", "format: generic, secret_env", "format: splunk, secret_env", "warroom.yaml:6: alerts.sources.siem.format: must be generic or alertmanager"},
		{"no auth", "{format: generic, secret_env: WARROOM_ALERTS_SIEM_SECRET}", "{format: generic}", "warroom.yaml:6: alerts.sources.siem: needs secret_env"},
		{"both auths", "secret_env: WARROOM_ALERTS_SIEM_SECRET}", "secret_env: A, token_env: B}", "warroom.yaml:6: alerts.sources.siem: has both"},
		{"bad action", "action: declare", "action: page", "warroom.yaml:10: alerts.routes[0].action: must be declare, triage or drop"},
		{"unknown source", "match: {source: siem,", "match: {source: edr,", "alerts.routes[0].match.source: unknown source \"edr\""},
		{"bad severity", "severity: [critical, high]", "severity: [critical, P1]", "alerts.routes[0].match.severity[1]: \"P1\" is not a severity"},
		{"unknown type", "type: malware", "type: worms", "warroom.yaml:11: alerts.routes[0].type: unknown incident type"},
		{"triage without channel", "      channel: \"#soc-triage\"\n", "", "alerts.routes[1].channel: a triage route needs the channel"},
		{"bad rate", "per_source: 60/m", "per_source: lots", "warroom.yaml:17: alerts.rate.per_source: \"lots\" is not a rate"},
		{"bad window", "group_window: 1h", "group_window: soon", `invalid duration "soon"`},
		{"unknown key", "group_window: 1h", "group_windw: 1h", `warroom.yaml:16: unknown field "group_windw"`},
		{"unknown invitee", "severity: 1\n", "severity: 1\n      invite: [zed]\n", `warroom.yaml:13: alerts.routes[0].invite[0]: unknown person "zed"`},
	} {
		src := strings.Replace(alertsConfig, tc.from, tc.to, 1)
		if src == alertsConfig {
			t.Fatalf("%s: replacement did not apply", tc.name)
		}
		_, err := config.ParseConfig("warroom.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestConfigWhereNamesTheLine(t *testing.T) {
	cfg, err := config.ParseConfig("warroom.yaml", []byte(alertsConfig))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Where("alerts.sources.prometheus.token_env"); got != "warroom.yaml:7: alerts.sources.prometheus.token_env" {
		t.Errorf("Where = %q", got)
	}
}
