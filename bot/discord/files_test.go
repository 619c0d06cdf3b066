package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/fakes/discordfake"
)

// A 🧾's attachments are read from Discord's CDN through the signed URL the REST message
// lists, without the bot token, streamed and bounded: an attachment listed as too large is
// refused without a download, one larger than listed is cut off at the limit, a short one
// records no hash, and a link the CDN no longer honours says so.
func TestReadAttachmentsStreamsBoundsAndRefuses(t *testing.T) {
	const limit = 1 << 20
	fake := newTestFake(t)
	a := restAdapter(t, fake, func(c *Config) { c.MaxFileBytes = limit })
	ctx := context.Background()
	ch := fake.AddChannel(tGuild, "inc-1-x", discordfake.ChannelText, "")
	note := []byte("your files are encrypted; pay 2 BTC")
	msg, ids := fake.AddMessageWithFiles(ch, tAlice, "evidence", discordfake.Attachment{Filename: "README DECRYPT.txt", Data: note},
		discordfake.Attachment{Filename: "listed-big.img", Zeros: limit + 1},
		discordfake.Attachment{Filename: "lies.img", Zeros: 64 * limit, ListedSize: 100},
		discordfake.Attachment{Filename: "short.bin", Data: []byte("abc"), ListedSize: 10})
	m, err := a.fetchMessage(ctx, tGuild, ch, msg)
	if err != nil || m.ReadFiles == nil {
		t.Fatalf("message %+v %v", m, err)
	}
	rs := m.ReadFiles(ctx)
	if len(rs) != 4 {
		t.Fatalf("receipts %+v", rs)
	}
	sum := sha256.Sum256(note)
	if r := rs[0]; r.ID != ids[0] || r.Name != "README DECRYPT.txt" || r.Size != int64(len(note)) || r.SHA256 != hex.EncodeToString(sum[:]) || r.Err != "" {
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
	dl := fake.CDNDownloads()
	if len(dl) != 5 { // the note, the liar (cut off), the short one three times; never listed-big
		t.Errorf("%d CDN requests, want 5: %+v", len(dl), dl)
	}
	for _, d := range dl {
		if d.Authorization != "" {
			t.Errorf("a CDN request carried Authorization %q", d.Authorization)
		}
		// What the CDN wrote includes what the sockets buffered after warroom stopped reading;
		// far less than the whole file all the same.
		if strings.Contains(d.Path, "lies.img") && d.Bytes >= 64*limit {
			t.Errorf("warroom read all %d bytes of a file it stops at %d", d.Bytes, limit)
		}
	}
	// An unsigned (or tampered) link: the CDN's 404, and no hash.
	bad := *m
	bad.ReadFiles = a.attachmentsReader(nil)
	if bad.ReadFiles != nil {
		t.Error("a message without attachments has a ReadFiles")
	}
}
