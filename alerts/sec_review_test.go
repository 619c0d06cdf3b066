package alerts_test

// Security review (branch sec): holes found in the alert endpoint, each a failing test.

import (
	"fmt"
	"testing"

	"github.com/warroom/warroom/alerts"
	"github.com/warroom/warroom/config"
)

// A bearer token must be at least 16 characters, but a Standard Webhooks secret of one
// byte is taken: an HMAC key that short is found offline from a single captured request
// (all of id, timestamp, body and signature travel together), after which the attacker
// signs anything. The Standard Webhooks spec asks for 24–64 random bytes.
func TestSecShortSigningSecretsAreRefused(t *testing.T) {
	cfg, err := config.ParseConfig("test.yaml", []byte(fmt.Sprintf(fixtureConfig, 10)))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"x", "hunter2", "whsec_eA=="} {
		env := map[string]string{"SIEM_SECRET": secret, "PROM_TOKEN": promToken}
		_, err := alerts.New(alerts.Options{Config: cfg.Alerts, Getenv: func(k string) string { return env[k] }})
		if err == nil {
			t.Errorf("a %d-character signing secret (%q) was accepted", len(secret), secret)
		}
	}
}

// Ported from web/sec_review_test.go (branch sec, 0273280): the default dedup key was
// SHA-256(source + summary), so two teams' "Disk full" were one group. Labels are in it now
// (sorted, so their order in the payload does not matter).
func TestSecDefaultDedupKeyIncludesTheLabels(t *testing.T) {
	key := func(body string) string {
		a, err := alerts.ParseGeneric("siem", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return a.Key
	}
	pay := key(`{"summary":"Disk full","labels":{"team":"payments","host":"db1"}}`)
	if sec := key(`{"summary":"Disk full","labels":{"team":"security","host":"db1"}}`); pay == sec {
		t.Error("two alerts differing only in a label have one default key")
	}
	if again := key(`{"summary":"Disk full","labels":{"host":"db1","team":"payments"}}`); again != pay {
		t.Error("the default key depends on the order of the labels")
	}
	if none := key(`{"summary":"Disk full"}`); none == pay {
		t.Error("an alert without labels has the key of one with labels")
	}
}
