package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// A 🧾's files are read through Slack with the bot token, streamed and bounded: the SHA-256
// and size of the bytes Slack served; a file Slack lists as too large is refused without a
// download; one that is larger than listed is cut off at the limit, not read to the end; a
// download that comes up short of the listed size, or that Slack refuses, records no hash.
func TestReadFilesStreamsBoundsAndRefuses(t *testing.T) {
	const limit = 1 << 20
	ta := newTestAdapter(t, func(c *Config) { c.MaxFileBytes = limit })
	ctx := context.Background()
	ta.fake.AddUser("U0ALICE", "alice")
	ch := ta.fake.AddChannel("inc-1-x", true, ta.fake.BotUserID(), "U0ALICE")
	note := []byte("your files are encrypted; pay 2 BTC")
	ts, ids := ta.fake.PostFilesAsUser(ch, "U0ALICE", "evidence", slackfake.FileUpload{Name: "README-DECRYPT.txt", Data: note},
		slackfake.FileUpload{Name: "listed-big.img", Zeros: limit + 1},
		slackfake.FileUpload{Name: "lies.img", Zeros: 8 * limit, ListedSize: 100},
		slackfake.FileUpload{Name: "short.bin", Data: []byte("abc"), ListedSize: 10})
	m, ok := ta.fetchMessage(ctx, ch, ts)
	if !ok || m == nil || m.ReadFiles == nil {
		t.Fatalf("message %+v", m)
	}
	before := ta.fake.Calls("(download)")
	rs := m.ReadFiles(ctx)
	if len(rs) != 4 {
		t.Fatalf("receipts %+v", rs)
	}
	sum := sha256.Sum256(note)
	if r := rs[0]; r.ID != ids[0] || r.Name != "README-DECRYPT.txt" || r.Size != int64(len(note)) || r.SHA256 != hex.EncodeToString(sum[:]) || r.Err != "" {
		t.Errorf("the note: %+v", r)
	}
	if r := rs[1]; !r.TooLarge || r.Size != limit+1 || r.Limit != limit || r.SHA256 != "" {
		t.Errorf("listed too large: %+v", r)
	}
	if r := rs[2]; !r.TooLarge || r.SHA256 != "" || r.Size != limit+1 {
		t.Errorf("larger than listed: %+v", r)
	}
	if r := rs[3]; r.SHA256 != "" || !strings.Contains(r.Err, "served 3 bytes of a file it lists as 10 bytes") {
		t.Errorf("short download: %+v", r)
	}
	// The note once, the liar once (cut off), the short one three times; never the listed-big.
	if n := ta.fake.Calls("(download)") - before; n != 5 {
		t.Errorf("%d downloads, want 5", n)
	}

	// The bot no longer in the channel: Slack shows the sign-in page, and nothing is hashed.
	ta.fake.SetMember(ch, ta.fake.BotUserID(), false)
	if r := m.ReadFiles(ctx)[0]; r.SHA256 != "" || !strings.Contains(r.Err, "files:read") {
		t.Errorf("refused download: %+v", r)
	}
}
