package discordfake

import (
	"encoding/json"
	"strconv"
	"time"
)

// Message nonces, as Discord honours them. A create-message request may carry "nonce" (an
// integer or a string of at most 25 characters); Discord echoes it in the answer and the
// MESSAGE_CREATE event. With "enforce_nonce": true, a second request with the same nonce,
// from the same author in the same channel within the past few minutes, creates nothing and
// is answered with the message the first one created: the one way a Discord client can make
// a retried send idempotent. Messages fetched later do not show their nonce.

// NonceWindow is how long an enforced nonce is remembered ("a few minutes").
const NonceWindow = 3 * time.Minute

// maxNonce is Discord's limit on a nonce's length.
const maxNonce = 25

type noncePayload struct {
	Nonce        json.RawMessage `json:"nonce"`
	EnforceNonce bool            `json:"enforce_nonce"`
}

// nonceOf reads a create-message payload's nonce; ok is false when it is malformed.
func nonceOf(raw json.RawMessage) (nonce string, enforce, ok bool) {
	var p noncePayload
	if !decodeJSON(raw, &p) {
		return "", false, false
	}
	if len(p.Nonce) == 0 || string(p.Nonce) == "null" {
		return "", p.EnforceNonce, true
	}
	var s string
	if json.Unmarshal(p.Nonce, &s) != nil {
		var n int64
		if json.Unmarshal(p.Nonce, &n) != nil {
			return "", false, false
		}
		s = strconv.FormatInt(n, 10)
	}
	if len(s) > maxNonce {
		return "", false, false
	}
	return s, p.EnforceNonce, true
}

// nonceKey identifies an enforced nonce: author, channel and the nonce itself.
type nonceKey struct{ author, channel, nonce string }

type nonceEntry struct {
	messageID string
	at        time.Time
}

// enforcedMessage is the message an earlier request with the same enforced nonce created,
// if it is still within NonceWindow and still exists.
func (st *state) enforcedMessage(k nonceKey, now time.Time) *Message {
	e, ok := st.nonces[k]
	if !ok || now.Sub(e.at) > NonceWindow {
		return nil
	}
	return st.messages[e.messageID]
}

func (st *state) rememberNonce(k nonceKey, m *Message, now time.Time) {
	if st.nonces == nil {
		st.nonces = map[nonceKey]nonceEntry{}
	}
	for key, e := range st.nonces { // keep the table small: forget expired nonces
		if now.Sub(e.at) > NonceWindow {
			delete(st.nonces, key)
		}
	}
	st.nonces[k] = nonceEntry{messageID: m.ID, at: now}
}
