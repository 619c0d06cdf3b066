package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// regulatorConfig names the organisation that files the notifications.
const regulatorConfig = `
roster:
  - {name: alice}
  - {name: bob}
  - {name: carol}
organisation:
  name: Acme Finance GmbH
  dpo: "Dana Roe, dpo@acme.example, +49 30 1234567"
  address: "Hauptstraße 1, 10115 Berlin"
  csirt_contact: "csirt@acme.example, +49 30 7654321"
`

// The done-when: a ransomware incident driven through the console with every fact
// yields a GDPR draft, a NIS2 final-report draft and an 8-K draft with no gaps; one with
// facts missing lists exactly the missing ones; a TLP:GREEN export of an incident with
// TLP:RED notes holds none of their text (searched in the bytes).
func TestRegulatorDraftsFromTheConsole(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	cfg := filepath.Join(dir, "warroom.yaml")
	if err := os.WriteFile(cfg, []byte(regulatorConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	note := filepath.Join(dir, "ransom-note.txt")
	noteBytes := []byte("All your files are encrypted. Contact lockbit@onion.example\n")
	if err := os.WriteFile(note, noteBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(noteBytes)
	image := strings.Repeat("3f", 32)
	script := strings.Join([]string{
		"@alice #general",
		"/incident declare Ransomware on the file servers sev1",
		"#inc-1-ransomware-on-the-file-servers",
		"/incident type ransomware",
		"/incident invite @bob",
		"/incident detected 3h ago EDR alert on FS01",
		"/incident summary --tlp green Ransomware encrypted two file servers holding customer records; backups were not affected.",
		"/incident impact --tlp green systems 2 file servers FS01 and FS02",
		"/incident impact data 48000 customer names, addresses and IBANs",
		"/incident impact people 12000 customers in Germany and Austria",
		"/incident impact cost 250000 EUR recovery, forensics and customer notification",
		"/incident impact consequences fraud and targeted phishing against the affected customers",
		"/incident rootcause phished VPN credentials of a contractor account without MFA",
		"/incident assess malicious yes ransom note on every share",
		"/incident assess cross-border yes customers in Austria are affected",
		"/incident assess material yes recovery cost and downtime exceed the threshold",
		"/incident note --tlp red the contractor is Initech; their admin reused a password",
		"/incident note C2 traffic to 198.51.100.23 and evil-update.example",
		"/incident task add Isolate FS01 and FS02",
		"/incident task done 1",
		"/incident task add Rotate every VPN credential",
		"!upload " + note,
		"+🧾",
		"/incident evidence add disk image of FS01 " + image + " s3://forensics/inc-1/fs01.e01",
		"/incident evidence transfer 1 @bob imaging in the lab",
		"#general",
		"/incident declare Strange logins",
		"#inc-2-strange-logins",
		"/incident summary Logins from an unknown country on three accounts.",
		"",
	}, "\n")
	code, out, errOut := runCLI(t, script, map[string]string{"USER": "alice"}, "shell", "--db", db, "--config", cfg)
	if code != 0 {
		t.Fatalf("shell exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "evidence 1: ransom-note.txt, "+strconv.Itoa(len(noteBytes))+" bytes, sha256 "+hex.EncodeToString(sum[:])) {
		t.Fatalf("the 🧾 upload was not hashed by warroom:\n%s", out)
	}

	for _, format := range []string{"gdpr", "nis2", "sec"} {
		code, draft, errOut := runCLI(t, "", nil, "report", "INC-1", "--format", format, "--db", db, "--config", cfg)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", format, code, errOut)
		}
		if !strings.Contains(draft, "## Gaps\n\nGaps: none.\n") {
			t.Errorf("%s draft of the complete incident has gaps:\n%s", format, draft)
		}
	}
	_, nis2, _ := runCLI(t, "", nil, "report", "INC-1", "--format", "nis2", "--db", db, "--config", cfg)
	for _, want := range []string{"Final report — Art. 23(4)(d)", "phished VPN credentials", "applied mitigation measures: Isolate FS01 and FS02",
		"ongoing mitigation measures: Rotate every VPN credential", `ipv4 198.51.100\[.\]23`, "cross-border impact of the incident: yes — customers in Austria are affected."} {
		if !strings.Contains(nis2, want) {
			t.Errorf("NIS2 draft lacks %q", want)
		}
	}

	// INC-2 has only its summary: each draft lists exactly what is missing.
	want := map[string][]string{
		"gdpr": {"Art. 33(3)(a): categories of data subjects", "Art. 33(3)(a): approximate number of data subjects",
			"Art. 33(3)(a): categories of personal data records", "Art. 33(3)(a): approximate number of personal data records",
			"Art. 33(3)(c): likely consequences of the personal data breach",
			"Art. 33(3)(d): measures taken or proposed to address the breach, including mitigation",
			"Art. 33(1): when the controller became aware of the breach"},
		"nis2": {"Art. 23(4)(a): when the entity became aware of the significant incident",
			"Art. 23(4)(a): whether the incident is suspected of being caused by unlawful or malicious acts",
			"Art. 23(4)(a): whether the incident could have a cross-border impact", "Art. 23(4)(b): initial assessment of the incident's impact",
			"Art. 23(4)(b): indicators of compromise, where available",
			"Art. 23(4)(d)(i): detailed description of the incident, including its severity and impact",
			"Art. 23(4)(d)(ii): type of threat or root cause that is likely to have triggered the incident",
			"Art. 23(4)(d)(iii): applied mitigation measures", "Art. 23(4)(d)(iii): ongoing mitigation measures",
			"Art. 23(4)(d)(iv): cross-border impact of the incident"},
		"sec": {"Item 1.05: materiality determination (made without unreasonable delay)",
			"Item 1.05(a): material aspects of the scope of the incident", "Item 1.05(a): material aspects of the timing of the incident",
			"Item 1.05(a): material impact or reasonably likely material impact on the registrant, including its financial condition and results of operations"},
	}
	for format, gaps := range want {
		_, draft, _ := runCLI(t, "", nil, "report", "INC-2", "--format", format, "--db", db, "--config", cfg)
		if got := gapLines(draft); strings.Join(got, "\n") != strings.Join(gaps, "\n") {
			t.Errorf("%s gaps of INC-2:\n got %q\nwant %q", format, got, gaps)
		}
	}

	// The TLP:GREEN export: none of the RED note, nor anything AMBER, in any format.
	for _, format := range []string{"md", "html", "json", "gdpr", "nis2", "sec"} {
		code, export, errOut := runCLI(t, "", nil, "report", "INC-1", "--format", format, "--audience", "tlp:green", "--db", db, "--config", cfg)
		if code != 0 {
			t.Fatalf("%s: %s", format, errOut)
		}
		for _, secret := range []string{"Initech", "reused a password", "IBANs", "198.51.100"} {
			if strings.Contains(export, secret) {
				t.Errorf("the TLP:GREEN %s export holds %q", format, secret)
			}
		}
		if !strings.Contains(export, "TLP:GREEN") || strings.Contains(export, "TLP:RED") {
			t.Errorf("the TLP:GREEN %s export is not marked TLP:GREEN", format)
		}
	}
	_, full, _ := runCLI(t, "", nil, "report", "INC-1", "--db", db, "--config", cfg)
	if !strings.Contains(full, "Initech") || !strings.Contains(full, "**TLP:RED**") {
		t.Error("the full report lost the RED note or its marking")
	}
	if code, out, errOut := runCLI(t, "", nil, "verify", "--all", "--db", db); code != 0 {
		t.Errorf("verify: %d %s %s", code, out, errOut)
	}
}

// gapLines are a draft's gaps, without their hints.
func gapLines(draft string) []string {
	_, rest, _ := strings.Cut(draft, "## Gaps\n\n")
	section, _, _ := strings.Cut(rest, "\n## ")
	var out []string
	for _, line := range strings.Split(section, "\n") {
		if item, ok := strings.CutPrefix(line, "- "); ok {
			item, _, _ = strings.Cut(item, " — ")
			out = append(out, strings.ReplaceAll(item, `\`, ""))
		}
	}
	return out
}
