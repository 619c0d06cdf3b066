package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"testing"

	"github.com/warroom/warroom/bot"
)

// FuzzVerifyExport feeds untrusted export files to the offline verifier: it never panics,
// and whatever it calls intact is a chain it can re-derive — consecutive entries whose
// digests, links and text commitments all check out.
func FuzzVerifyExport(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	prev := bot.GenesisHash
	doc := exportDoc{Incident: "INC-1", PublicKey: bot.FormatPublicKey(pub), Checkpoints: []checkpointJSON{}}
	for i, text := range []string{"declared", "a note", "a <b> & \u2028 note"} {
		e := bot.Entry{Incident: "INC-1", Seq: int64(i + 1), V: 2, Actor: "alice", Kind: bot.KindNote, Text: text,
			Data: json.RawMessage(`{"n":1}`), Salt: "00112233445566778899aabbccddeeff"}
		bot.Seal(&e, prev)
		prev = e.Hash
		doc.Entries = append(doc.Entries, toEntryJSON(e))
	}
	cp := bot.SignCheckpoint(bot.Checkpoint{Incident: "INC-1", Seq: 3, Hash: prev}, priv)
	doc.Checkpoints = append(doc.Checkpoints, checkpointJSON{cp.Seq, cp.Hash, bot.FormatTime(cp.At), cp.Sig})
	seed, _ := json.Marshal(doc)
	f.Add(seed)
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"incident":"INC-1","entries":[{"seq":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := readExport(b)
		if err != nil {
			return
		}
		v, err := verifyExport(d, pub)
		if err != nil || !v.OK {
			return
		}
		prev := bot.GenesisHash
		for i, j := range d.Entries {
			e, err := fromEntryJSON(d.Incident, j)
			if err != nil || e.Seq != int64(i+1) || bot.ChainHash(prev, e.Digest) != e.Hash {
				t.Fatalf("intact, but entry %d does not re-derive: %v", i+1, err)
			}
			if e.V >= 2 && (bot.EntryDigest(e) != e.Digest || !e.Redacted && bot.TextCommit(e.Salt, e.Text) != e.TextCommit) {
				t.Fatalf("intact, but entry %d's digest or commitment is wrong", e.Seq)
			}
			prev = e.Hash
		}
	})
}
