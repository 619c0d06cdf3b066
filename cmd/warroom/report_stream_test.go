package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
	"github.com/warroom/warroom/storage"
)

// StreamReport (what `warroom report` runs) gives the report Build gives from
// LoadReport's Data, byte for byte in every format, for every audience, with signed
// checkpoints checked and with a tampered entry found; leaving the entries' hashes out
// changes Markdown and HTML not at all.
func TestStreamReportIsBuildsReport(t *testing.T) {
	signed, _ := sessionDB(t) // checkpoints, signed
	tampered, _ := sessionDB(t)
	tamper(t, tampered, `UPDATE timeline SET text = 'nothing happened' WHERE incident = 1 AND seq = 3`)
	code, keyOut, _ := runCLI(t, "", nil, "key", "--db", signed)
	pub, err := bot.ParsePublicKey(keyOut)
	if code != 0 || err != nil {
		t.Fatalf("key: %d %q %v", code, keyOut, err)
	}
	code, tamperedKey, _ := runCLI(t, "", nil, "key", "--db", tampered)
	tamperedPub, err := bot.ParsePublicKey(tamperedKey)
	if code != 0 || err != nil {
		t.Fatalf("key: %d %v", code, err)
	}
	// Relabelled to TLP:GREEN, with a TLP:RED note and a task: an entry's label defaults
	// to the incident's latest, so a green audience sees most of it.
	labelled := filepath.Join(t.TempDir(), "w.db")
	script := strings.Replace(fullSession(), "/incident type phishing\n", "/incident type phishing\n/incident tlp green\n"+
		"/incident note --tlp red the sender is our own contractor\n/incident task add reset the mailbox @bob\n", 1)
	if code, out, errOut := runCLI(t, script, map[string]string{"USER": "alice"}, "run", "--db", labelled); code != 0 {
		t.Fatalf("run exit %d\n%s\n%s", code, out, errOut)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, db string
		pub      []byte
		verified bool
	}{{"closed with a drill", reportDB(t), nil, true}, {"signed", signed, pub, true}, {"tampered", tampered, tamperedPub, false},
		{"relabelled", labelled, nil, true}} {
		for _, audience := range []bot.TLP{bot.TLPUnset, bot.TLPGreen, bot.TLPClear} {
			o := commands.ReportOptions{Now: now, PublicKey: tc.pub, Audience: audience, Generator: "warroom test"}
			built, streamed, lean := reportsOf(t, tc.db, o)
			if tc.name == "relabelled" && audience == bot.TLPGreen && (len(built.Timeline) == 0 || built.Classification.Withheld.Entries != 2) {
				t.Errorf("relabelled, green audience: %d entries shown, %d withheld; want all but the red note and the declaration (labelled amber when made)", len(built.Timeline), built.Classification.Withheld.Entries)
			}
			if built.Integrity.Verified != tc.verified || streamed.Integrity.Verified != tc.verified {
				t.Errorf("%s: verified %v (built) %v (streamed), want %v", tc.name, built.Integrity.Verified, streamed.Integrity.Verified, tc.verified)
			}
			if tc.pub != nil && tc.verified && (streamed.Integrity.Checkpoints == 0 || streamed.Integrity.Signatures != "ok") {
				t.Errorf("%s: checkpoints %d, signatures %q: nothing was checked", tc.name, streamed.Integrity.Checkpoints, streamed.Integrity.Signatures)
			}
			for _, format := range []string{"md", "html", "json", "gdpr"} {
				want, got := render(t, &built, format), render(t, &streamed, format)
				if !bytes.Equal(want, got) {
					t.Errorf("%s, audience %v, %s: the streamed report differs from the built one\n%s", tc.name, audience, format, firstDiff(want, got))
				}
				if format == "json" {
					continue
				}
				if got := render(t, &lean, format); !bytes.Equal(want, got) {
					t.Errorf("%s, audience %v, %s: leaving the hashes out changed it\n%s", tc.name, audience, format, firstDiff(want, got))
				}
			}
			for i, e := range lean.Timeline {
				if e.Digest != "" || e.Hash != "" || streamed.Timeline[i].Hash == "" {
					t.Fatalf("%s: entry %d: lean digest %q hash %q, streamed hash %q", tc.name, e.Seq, e.Digest, e.Hash, streamed.Timeline[i].Hash)
				}
			}
		}
	}
}

// reportsOf builds INC-1's report from LoadReport's Data and streams it twice (with the
// entries' hashes and without), in one read transaction.
func reportsOf(t *testing.T, path string, o commands.ReportOptions) (built, streamed, lean report.Report) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx *storage.Tx) error {
		d, err := commands.LoadReport(tx, 1, o)
		if err != nil {
			return err
		}
		built = report.Build(d)
		if streamed, err = commands.StreamReport(tx, 1, o); err != nil {
			return err
		}
		o.OmitEntryHashes = true
		lean, err = commands.StreamReport(tx, 1, o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(built.Timeline) == 0 && built.Classification.Withheld.Entries == 0 {
		t.Fatal("an empty timeline proves nothing")
	}
	return built, streamed, lean
}

func render(t *testing.T, r *report.Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := commands.RenderReport(r, format, &b); err != nil {
		t.Fatal(err)
	}
	if format == "json" && !json.Valid(b.Bytes()) {
		t.Fatal("invalid JSON")
	}
	return b.Bytes()
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "want: " + al[i] + "\ngot:  " + bl[i]
		}
	}
	return "lengths differ"
}
