package web

import (
	"crypto/ed25519"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/report"
)

// The integrity section shows the timeline's signed checkpoints (docs/chain.md): for each,
// whether its signature is the bot's and whether it still names the hash of the entry it
// was taken at — what `warroom verify --checkpoints` checks, at a glance.

// shownCheckpoints is how many of the latest checkpoints the page lists.
const shownCheckpoints = 5

type checkpointsView struct {
	Total     int
	Bad       int // checkpoints whose signature or hash does not check
	Latest    []checkpointView
	PublicKey string // ed25519:<base64>, for checking offline; "" when unknown
}

type checkpointView struct {
	Seq     int64
	At      time.Time
	Hash    string
	Checked bool // the signature could be checked (a key is known)
	Signed  bool // the signature is valid
	Matches bool // the entry at Seq still has Hash
}

func checkpointViews(cps []bot.Checkpoint, rep *report.Report, pub ed25519.PublicKey) checkpointsView {
	v := checkpointsView{Total: len(cps)}
	if pub != nil {
		v.PublicKey = bot.FormatPublicKey(pub)
	}
	for i, c := range cps {
		cv := checkpointView{Seq: c.Seq, At: c.At, Hash: c.Hash, Checked: pub != nil, Signed: pub != nil && c.VerifySignature(pub)}
		if k := c.Seq - 1; k >= 0 && k < int64(len(rep.Timeline)) && rep.Timeline[k].Seq == c.Seq {
			cv.Matches = rep.Timeline[k].Hash == c.Hash
		}
		if !cv.Matches || cv.Checked && !cv.Signed {
			v.Bad++
		}
		if i >= len(cps)-shownCheckpoints {
			v.Latest = append(v.Latest, cv)
		}
	}
	return v
}
