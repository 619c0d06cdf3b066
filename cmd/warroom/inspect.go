package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/export"
	"github.com/warroom/warroom/storage"
)

// incidentJSON is the contract of `incidents --json` (README: "Command line").
type incidentJSON struct {
	ID         string  `json:"id"`
	Number     int64   `json:"number"`
	Title      string  `json:"title"`
	Type       string  `json:"type"`
	Severity   int     `json:"severity"`
	Phase      string  `json:"phase"`
	Status     string  `json:"status"`
	Drill      bool    `json:"drill"`
	Platform   string  `json:"platform"`
	Channel    string  `json:"channel"`
	DeclaredAt string  `json:"declared_at"`
	ClosedAt   *string `json:"closed_at"`
	Commander  *string `json:"commander"`
	DeclaredBy string  `json:"declared_by"`
	Resolution string  `json:"resolution,omitempty"`
	CloseClass string  `json:"close_class,omitempty"`
}

func (m *Main) incidents(ctx context.Context, o *options) int {
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	var out []incidentJSON
	closed := 0 // when listing open ones only: how many closed ones --all would add
	err = db.View(ctx, func(tx *storage.Tx) error {
		list, err := tx.Incidents(o.all)
		if err != nil {
			return err
		}
		if !o.all {
			every, err := tx.Incidents(true)
			if err != nil {
				return err
			}
			closed = len(every) - len(list)
		}
		for _, inc := range list {
			j := incidentJSON{ID: inc.ID(), Number: inc.Number, Title: inc.Title, Type: inc.Type, Severity: inc.Severity,
				Phase: string(inc.Phase), Status: inc.Status, Drill: inc.Drill, Platform: inc.Platform, Channel: inc.ChannelName,
				DeclaredAt: bot.FormatTime(inc.DeclaredAt), DeclaredBy: inc.DeclaredBy, Resolution: inc.Resolution, CloseClass: inc.CloseClass}
			if inc.ClosedAt != nil {
				s := bot.FormatTime(*inc.ClosedAt)
				j.ClosedAt = &s
			}
			roles, err := tx.CurrentRoles(inc.Number)
			if err != nil {
				return err
			}
			if c, ok := roles["commander"]; ok {
				j.Commander = &c
			}
			out = append(out, j)
		}
		return nil
	})
	if err != nil {
		return m.fail("%v", err)
	}
	if o.json {
		if out == nil {
			out = []incidentJSON{}
		}
		return m.writeJSON(out)
	}
	switch {
	case len(out) == 0 && closed > 0:
		fmt.Fprintf(m.Stdout, "No open incidents; %d closed (warroom incidents --all lists them).\n", closed)
		return exitOK
	case len(out) == 0:
		fmt.Fprintln(m.Stdout, "No incidents.")
		return exitOK
	}
	for _, j := range out {
		cmdr := "(acting) " + j.DeclaredBy
		if j.Commander != nil {
			cmdr = *j.Commander
		}
		drill := ""
		if j.Drill {
			drill = " DRILL"
		}
		fmt.Fprintf(m.Stdout, "%-7s sev%d %-16s %-7s %s · commander %s · #%s%s\n", j.ID, j.Severity, j.Phase, j.Status, j.Title, cmdr, j.Channel, drill)
	}
	return exitOK
}

func (m *Main) writeJSON(v any) int {
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return m.fail("%v", err)
	}
	return exitOK
}

// entryJSON is the contract of `timeline --json` (docs/chain.md), shared with the web
// view's download (export/).
type entryJSON = export.EntryJSON

func toEntryJSON(e bot.Entry) entryJSON { return export.ToEntryJSON(e) }

// incidentArg reads the one INC-n argument of a command.
func incidentArg(cmd string, pos []string) (int64, error) {
	switch {
	case len(pos) == 0:
		return 0, fmt.Errorf("which incident? (INC-n)")
	case len(pos) > 1:
		return 0, fmt.Errorf("one incident at a time, not %q", strings.Join(pos, " "))
	}
	return bot.ParseID(pos[0])
}

func (m *Main) timeline(ctx context.Context, o *options, pos []string) int {
	n, err := incidentArg("timeline", pos)
	if err != nil {
		return m.failUsage("timeline", err)
	}
	format := o.format
	if o.json {
		format = "json"
	}
	if format != "" && format != "json" && format != "csv" && format != "text" {
		return m.failUsage("timeline", fmt.Errorf("--format must be text, json or csv, not %q", format))
	}
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Incident(n); err != nil {
			if err == storage.ErrNotFound {
				return fmt.Errorf("there is no %s", bot.FormatID(n))
			}
			return err
		}
		switch format {
		case "json":
			return export.TimelineJSON(m.Stdout, func(fn func(bot.Entry) error) error { return tx.EachEntry(n, fn) })
		case "csv":
			return export.TimelineCSV(m.Stdout, func(fn func(bot.Entry) error) error { return tx.EachEntry(n, fn) })
		default:
			return tx.EachEntry(n, func(e bot.Entry) error {
				text := e.Text
				if e.Redacted {
					text = "[redacted]"
				}
				_, err := fmt.Fprintf(m.Stdout, "%4d  %s  %-10s %-12s %s\n", e.Seq, e.OccurredAt.Format("2006-01-02 15:04:05Z"), e.Kind, e.Actor, text)
				return err
			})
		}
	})
	if err != nil {
		return m.fail("%v", err)
	}
	return exitOK
}

func (m *Main) verify(ctx context.Context, o *options, pos []string) int {
	if o.export != "" {
		return m.verifyOffline(o, pos)
	}
	pub, err := m.publicKeyFor(o)
	if err != nil {
		return m.fail("%v", err)
	}
	var extra []bot.Checkpoint
	if o.checkpoints != "" {
		if extra, err = readCheckpointFile(o.checkpoints); err != nil {
			return m.fail("%v", err)
		}
	}
	var numbers []int64
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	switch {
	case o.all && len(pos) == 0:
		err = db.View(ctx, func(tx *storage.Tx) error {
			list, err := tx.Incidents(true)
			for _, i := range list {
				numbers = append(numbers, i.Number)
			}
			return err
		})
		if err != nil {
			return m.fail("%v", err)
		}
	case !o.all && len(pos) == 1:
		n, err := bot.ParseID(pos[0])
		if err != nil {
			return m.fail("%v", err)
		}
		numbers = []int64{n}
	default:
		return m.failUsage("verify", errors.New("name one incident (INC-n) or --all"))
	}
	code := exitOK
	for _, n := range numbers {
		v, err := db.VerifyWith(ctx, n, storage.VerifyOptions{PublicKey: pub, Extra: extra})
		if err == storage.ErrNotFound {
			return m.fail("there is no %s", bot.FormatID(n))
		}
		if err != nil {
			return m.fail("%v", err)
		}
		if !m.printVerdict(v, pub) {
			code = exitFailed
		}
	}
	if len(numbers) == 0 {
		fmt.Fprintln(m.Stdout, "No incidents to verify.")
	}
	return code
}

// printVerdict writes one incident's verdict and reports whether it is intact.
func (m *Main) printVerdict(v storage.Verdict, pub ed25519.PublicKey) bool {
	if v.OK {
		fmt.Fprintf(m.Stdout, "%s: intact, %d entries, head %s%s%s\n", v.Incident, v.Entries, v.HeadHash, checkpointNote(v, pub), chainVersionNote(v))
		return true
	}
	if v.BadSeq > 0 && !v.Projection {
		fmt.Fprintf(m.Stdout, "%s: TAMPERED at entry %d: %s\n", v.Incident, v.BadSeq, v.Problem)
	} else {
		fmt.Fprintf(m.Stdout, "%s: TAMPERED: %s\n", v.Incident, v.Problem)
	}
	return false
}

// checkpointNote says how many signed checkpoints the chain passes through.
func checkpointNote(v storage.Verdict, pub ed25519.PublicKey) string {
	if v.Checkpoints == 0 {
		return ", no signed checkpoints"
	}
	sig := "signatures ok"
	if pub == nil {
		sig = "signatures NOT checked: no key (give --key or --pubkey)"
	}
	return fmt.Sprintf(", %d signed checkpoints (last at entry %d, %s)", v.Checkpoints, v.LastCheckpoint, sig)
}

// verifyOffline is `verify --export FILE --pubkey KEY`: no database.
func (m *Main) verifyOffline(o *options, pos []string) int {
	if len(pos) != 0 || o.all {
		return m.failUsage("verify", errors.New("--export verifies one exported file: no INC-n, no --all"))
	}
	if o.pubkey == "" {
		return m.fail("verify --export needs --pubkey KEY (the ed25519:… line warroom key prints, or a file holding it)")
	}
	pub, err := m.publicKeyFor(o)
	if err != nil {
		return m.fail("--pubkey: %v", err)
	}
	b, err := os.ReadFile(o.export)
	if err != nil {
		return m.fail("--export: %v", err)
	}
	doc, err := readExport(b)
	if err != nil {
		return m.fail("%s: %v", o.export, err)
	}
	v, err := verifyExport(doc, pub)
	if err != nil {
		return m.fail("%s: %v", o.export, err)
	}
	if !m.printVerdict(v, pub) {
		return exitFailed
	}
	return exitOK
}

// chainVersionNote says when an incident holds entries written before chain v2: they
// verify under the first release's rules, without data, text commitment or projection.
func chainVersionNote(v storage.Verdict) string {
	switch {
	case v.V1 == 0:
		return ""
	case v.V1 == v.Entries:
		return " (chain v1: written before chain v2)"
	default:
		return fmt.Sprintf(" (entries 1–%d chain v1, written before chain v2)", v.V1)
	}
}
