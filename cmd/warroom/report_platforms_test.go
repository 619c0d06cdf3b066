package main

import (
	"strings"
	"testing"
)

// Closing an incident delivers the report on every platform: the summary in the channel
// and report-INC-1.md as a file — on Slack and Discord through their real client libraries
// against the in-repo fakes (issue 7, "done when"). It drives the platforms with the
// conformance drivers.
func TestCloseDeliversReportOnEveryPlatform(t *testing.T) {
	for _, p := range []struct {
		name  string
		new   func(*testing.T) chatDriver
		files func(d chatDriver, channel string) map[string][]byte
	}{
		{"console", newConsoleDriver, func(d chatDriver, ch string) map[string][]byte {
			out := map[string][]byte{}
			for _, m := range d.messages(ch) {
				if i := strings.Index(m, "(file: report-INC-1.md, "); i >= 0 {
					out["report-INC-1.md"] = []byte(m[i:])
				}
			}
			return out
		}},
		{"slack", newSlackDriver, func(d chatDriver, ch string) map[string][]byte {
			out := map[string][]byte{}
			for _, f := range d.(*slackDriver).h.fake.Files(ch) {
				out[f.Filename] = f.Bytes
			}
			return out
		}},
		{"discord", newDiscordDriver, func(d chatDriver, ch string) map[string][]byte {
			out := map[string][]byte{}
			for _, m := range d.(*discordDriver).h.fake.Messages(ch) {
				for _, a := range m.Attachments {
					out[a.Filename] = a.Data
				}
			}
			return out
		}},
	} {
		t.Run(p.name, func(t *testing.T) {
			d := p.new(t)
			if r := d.command("alice", d.general(), "declare", "Phishing wave", "sev2"); !strings.Contains(r, "Declared INC-1") {
				t.Fatalf("declare: %q", r)
			}
			d.deliver()
			ch, ok := d.channelByName("inc-1-phishing-wave")
			if !ok {
				t.Fatal("no incident channel")
			}
			d.command("alice", ch, "note", "beacon to 203.0.113.7")
			if r := d.command("alice", ch, "close", "true-positive", "blocked"); !strings.Contains(r, "closed") {
				t.Fatalf("close: %q", r)
			}
			d.deliver()
			if !contains(d.messages(ch), "Lessons-learned report") {
				t.Errorf("no report summary in the channel: %q", d.messages(ch))
			}
			data, ok := p.files(d, ch)["report-INC-1.md"]
			if !ok {
				t.Fatalf("report-INC-1.md was not uploaded")
			}
			if p.name != "console" && (!strings.Contains(string(data), "# INC-1 · Phishing wave — lessons-learned report") ||
				!strings.Contains(string(data), "`203.0.113[.]7`")) {
				t.Errorf("uploaded report: %.300s", data)
			}
		})
	}
}
