package bot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Checkpoint is a signed statement that an incident's timeline had, at entry Seq, the hash
// Hash (docs/chain.md). warroom signs one at every phase change, at close and after every
// 100th entry, stores it, posts it in the channel and appends it to the checkpoint log, so
// a chain cut short or rewritten below a checkpoint shows against a copy kept elsewhere.
type Checkpoint struct {
	Incident string    `json:"incident"`
	Seq      int64     `json:"seq"`
	Hash     string    `json:"hash"`
	At       time.Time `json:"-"`
	Sig      string    `json:"sig"` // base64 Ed25519 signature over SignedBytes
}

type signedCheckpoint struct {
	Incident string `json:"incident"`
	Seq      int64  `json:"seq"`
	Hash     string `json:"hash"`
	At       string `json:"at"`
}

// SignedBytes is what the signature covers: {"incident","seq","hash","at"} in that order,
// the same JSON rules as the canonical entry.
func (c Checkpoint) SignedBytes() []byte {
	return compactJSON(signedCheckpoint{c.Incident, c.Seq, c.Hash, FormatTime(c.At)})
}

// checkpointLine is the one-line JSON form of a checkpoint (the log file, the chat post,
// the export's checkpoints).
type checkpointLine struct {
	Incident string `json:"incident"`
	Seq      int64  `json:"seq"`
	Hash     string `json:"hash"`
	At       string `json:"at"`
	Sig      string `json:"sig"`
}

// Line is the checkpoint as one JSON line: {"incident","seq","hash","at","sig"}.
func (c Checkpoint) Line() string {
	return string(compactJSON(checkpointLine{c.Incident, c.Seq, c.Hash, FormatTime(c.At), c.Sig}))
}

// ParseCheckpointLine reads a checkpoint from a log line or a line pasted from chat: the
// JSON object is taken from the first "{" to the last "}".
func ParseCheckpointLine(s string) (Checkpoint, error) {
	a, b := strings.Index(s, "{"), strings.LastIndex(s, "}")
	if a < 0 || b < a {
		return Checkpoint{}, errors.New("no checkpoint on this line")
	}
	var l checkpointLine
	dec := json.NewDecoder(strings.NewReader(s[a : b+1]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Checkpoint{}, fmt.Errorf("not a checkpoint: %w", err)
	}
	at, err := ParseTime(l.At)
	if err != nil || l.Seq <= 0 || len(l.Hash) != 64 || l.Sig == "" {
		return Checkpoint{}, errors.New("not a checkpoint: it needs incident, seq, hash, at and sig")
	}
	return Checkpoint{Incident: l.Incident, Seq: l.Seq, Hash: l.Hash, At: at, Sig: l.Sig}, nil
}

// SignCheckpoint signs c with key.
func SignCheckpoint(c Checkpoint, key ed25519.PrivateKey) Checkpoint {
	c.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.SignedBytes()))
	return c
}

// VerifySignature reports whether c carries a valid signature by pub.
func (c Checkpoint) VerifySignature(pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Sig)
	return err == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, c.SignedBytes(), sig)
}

// FormatPublicKey writes a public key the way `warroom key` prints it: ed25519:<base64>.
func FormatPublicKey(pub ed25519.PublicKey) string {
	return "ed25519:" + base64.StdEncoding.EncodeToString(pub)
}

// ParsePublicKey reads "ed25519:<base64 of the 32-byte key>".
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b64, ok := strings.CutPrefix(strings.TrimSpace(s), "ed25519:")
	if !ok {
		return nil, errors.New(`a public key is written "ed25519:<base64>" (as warroom key prints it)`)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("the public key is not 32 bytes of base64 after ed25519:")
	}
	return ed25519.PublicKey(raw), nil
}

// CheckCheckpoints checks v (a chain that verified) against signed checkpoints: each
// signature must verify under pub (when pub is known), and the chain must pass through
// each — reach its seq, with the same hash there. hashAt gives the chain's hash at a seq.
// The first problem makes v tampered.
func CheckCheckpoints(v *Verdict, cps []Checkpoint, pub ed25519.PublicKey, hashAt func(int64) (string, bool)) {
	for _, c := range cps {
		if c.Incident != v.Incident {
			continue
		}
		switch {
		case pub != nil && !c.VerifySignature(pub):
			v.OK, v.BadSeq, v.Problem = false, c.Seq, fmt.Sprintf("the checkpoint at entry %d does not carry a valid signature of this warroom's key", c.Seq)
			return
		case c.Seq > v.Entries:
			v.OK, v.BadSeq = false, v.Entries+1
			v.Problem = fmt.Sprintf("the timeline ends at entry %d but a signed checkpoint names entry %d (hash %.12s…, %s): entries were removed",
				v.Entries, c.Seq, c.Hash, FormatTime(c.At))
			return
		}
		if h, ok := hashAt(c.Seq); !ok || h != c.Hash {
			v.OK, v.BadSeq = false, c.Seq
			v.Problem = fmt.Sprintf("entry %d's hash differs from the signed checkpoint at entry %d (%.12s…): the chain was rewritten", c.Seq, c.Seq, c.Hash)
			return
		}
		v.Checkpoints++
		v.LastCheckpoint = max(v.LastCheckpoint, c.Seq)
	}
}

func compactJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
