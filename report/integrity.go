package report

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// buildIntegrity is the report's Integrity section: the verdict on the chain, the
// projection and the checkpoints, the chain version, the checkpoints and the key.
func buildIntegrity(d Data, timeline []Entry) Integrity {
	inc, v := d.Incident, d.Integrity
	out := Integrity{Entries: v.Entries, HeadHash: v.HeadHash, Verified: v.OK, BadSeq: v.BadSeq, Problem: v.Problem,
		Chain: "v2", Checkpoints: len(d.Checkpoints), Signatures: "not checked (no public key)"}
	if v.Incident == "" {
		out.Entries, out.HeadHash, out.Problem = inc.HeadSeq, inc.HeadHash, "the hash chain was not checked for this report"
	}
	if out.HeadHash == "" {
		// A chain that fails has no verified head: show the one the incident records.
		out.HeadHash = inc.HeadHash
	}
	switch {
	case v.V1 > 0 && v.V1 == v.Entries:
		out.Chain = "v1 (written before chain v2: no data or text commitments, not projected)"
	case v.V1 > 0:
		out.Chain = fmt.Sprintf("v2 from entry %d (entries 1–%d written before chain v2)", v.V1+1, v.V1)
	}
	if n := len(d.Checkpoints); n > 0 {
		c := d.Checkpoints[n-1]
		out.LastCheckpoint = &Checkpoint{Seq: c.Seq, Hash: c.Hash, At: at(c.At)}
	}
	if d.PublicKey != nil {
		out.PublicKey = bot.FormatPublicKey(d.PublicKey)
		sum := sha256.Sum256(d.PublicKey)
		out.Fingerprint = "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
		switch {
		case len(d.Checkpoints) == 0:
			out.Signatures = "none to check"
		case v.OK:
			out.Signatures = "ok"
		default:
			out.Signatures = "not confirmed: the verification failed"
		}
	}
	for i := range timeline {
		if timeline[i].Redacted {
			out.Redactions++
		}
	}
	return out
}
