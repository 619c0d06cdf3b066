package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// exportDoc is `warroom export`'s verifiable document (docs/chain.md): everything needed to
// check an incident's timeline with no database and no trust in warroom.
type exportDoc struct {
	Incident    string           `json:"incident"`
	PublicKey   string           `json:"public_key"`
	Entries     []entryJSON      `json:"entries"`
	Checkpoints []checkpointJSON `json:"checkpoints"`
}

type checkpointJSON struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	At   string `json:"at"`
	Sig  string `json:"sig"`
}

func (m *Main) exportCmd(ctx context.Context, o *options, pos []string) int {
	n, err := incidentArg("export", pos)
	if err != nil {
		return m.failUsage("export", err)
	}
	pub, err := m.publicKeyFor(o)
	if err != nil {
		return m.fail("%v", err)
	}
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	doc := exportDoc{Incident: bot.FormatID(n), Entries: []entryJSON{}, Checkpoints: []checkpointJSON{}}
	if pub != nil {
		doc.PublicKey = bot.FormatPublicKey(pub)
	}
	err = db.View(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Incident(n); err != nil {
			if err == storage.ErrNotFound {
				return fmt.Errorf("there is no %s", bot.FormatID(n))
			}
			return err
		}
		cps, err := tx.Checkpoints(n)
		if err != nil {
			return err
		}
		for _, c := range cps {
			doc.Checkpoints = append(doc.Checkpoints, checkpointJSON{c.Seq, c.Hash, bot.FormatTime(c.At), c.Sig})
		}
		return tx.EachEntry(n, func(e bot.Entry) error { doc.Entries = append(doc.Entries, toEntryJSON(e)); return nil })
	})
	if err != nil {
		return m.fail("%v", err)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return m.fail("%v", err)
	}
	b = append(b, '\n')
	if o.out == "" {
		_, err = m.Stdout.Write(b)
	} else {
		err = writePrivate(o.out, b)
	}
	if err != nil {
		return m.fail("%v", err)
	}
	return exitOK
}

// writePrivate writes a new file readable by its owner only.
func writePrivate(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readExport reads `warroom export`'s document, or a bare `timeline --json` array (which
// carries no checkpoints).
func readExport(b []byte) (exportDoc, error) {
	var doc exportDoc
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &doc.Entries); err != nil {
			return doc, fmt.Errorf("not a timeline export: %w", err)
		}
		if len(doc.Entries) > 0 {
			doc.Incident = doc.Entries[0].Incident
		}
		return doc, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return doc, fmt.Errorf("not a warroom export: %w", err)
	}
	if _, err := bot.ParseID(doc.Incident); err != nil {
		return doc, fmt.Errorf("the export names no incident: %w", err)
	}
	return doc, nil
}

// fromEntryJSON turns an exported entry back into the entry its digest covers; times must
// be written exactly as warroom writes them, or another verifier would digest other bytes.
func fromEntryJSON(incident string, j entryJSON) (bot.Entry, error) {
	e := bot.Entry{Incident: incident, Seq: j.Seq, V: max(j.V, 1), Actor: j.Actor, Kind: j.Kind, Text: j.Text, Data: j.Data,
		Salt: j.Salt, TextCommit: j.TextCommit, Digest: j.Digest, Hash: j.Hash, Redacted: j.Redacted}
	if j.Incident != "" && j.Incident != incident {
		return e, fmt.Errorf("entry %d belongs to %s, not %s", j.Seq, j.Incident, incident)
	}
	for _, t := range []struct {
		s   string
		dst *bot.Entry
		at  bool
	}{{j.At, &e, true}, {j.OccurredAt, &e, false}} {
		v, err := bot.ParseTime(t.s)
		if err != nil || bot.FormatTime(v) != t.s {
			return e, fmt.Errorf("entry %d: time %q is not written as warroom writes times (%s)", j.Seq, t.s, bot.TimeFormat)
		}
		if t.at {
			e.At = v
		} else {
			e.OccurredAt = v
		}
	}
	return e, nil
}

// verifyExport checks an export offline: the chain, the text commitments, the redaction
// rules and every checkpoint's signature under pub, with no database.
func verifyExport(doc exportDoc, pub ed25519.PublicKey) (bot.Verdict, error) {
	if doc.PublicKey != "" {
		if k, err := bot.ParsePublicKey(doc.PublicKey); err != nil || !k.Equal(pub) {
			return bot.Verdict{Incident: doc.Incident}, errors.New("the export names a different public key than --pubkey: its checkpoints were not signed by the key you trust")
		}
	}
	var entries []bot.Entry
	for _, j := range doc.Entries {
		e, err := fromEntryJSON(doc.Incident, j)
		if err != nil {
			return bot.Verdict{Incident: doc.Incident}, err
		}
		entries = append(entries, e)
	}
	var headSeq int64
	headHash := bot.GenesisHash
	if len(entries) > 0 {
		headSeq, headHash = entries[len(entries)-1].Seq, entries[len(entries)-1].Hash
	}
	v, err := bot.VerifyChain(doc.Incident, headSeq, headHash, func(fn func(bot.Entry) error) error {
		for _, e := range entries {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || !v.OK {
		return v, err
	}
	var cps []bot.Checkpoint
	for _, c := range doc.Checkpoints {
		at, err := bot.ParseTime(c.At)
		if err != nil {
			return v, fmt.Errorf("checkpoint at entry %d: bad time %q", c.Seq, c.At)
		}
		cps = append(cps, bot.Checkpoint{Incident: doc.Incident, Seq: c.Seq, Hash: c.Hash, At: at, Sig: c.Sig})
	}
	bot.CheckCheckpoints(&v, cps, pub, func(seq int64) (string, bool) {
		if seq < 1 || seq > int64(len(entries)) {
			return "", false
		}
		return entries[seq-1].Hash, true
	})
	return v, nil
}

// readCheckpointFile reads checkpoints kept outside the database: the --checkpoint-log file
// or lines pasted from chat. Lines without a checkpoint are skipped; a line that looks like
// one but does not parse is an error naming the line.
func readCheckpointFile(path string) ([]bot.Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--checkpoints: %w", err)
	}
	defer f.Close()
	return parseCheckpointLines(path, f)
}

func parseCheckpointLines(name string, r io.Reader) ([]bot.Checkpoint, error) {
	var out []bot.Checkpoint
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if !strings.Contains(s, `"sig"`) {
			continue
		}
		c, err := bot.ParseCheckpointLine(s)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}
