package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/discordfake"
	"github.com/warroom/warroom/internal/fakes/slackfake"
	"github.com/warroom/warroom/storage"
)

// 🧾 (receipt) on a message with a file, through the real slack-go and discordgo clients
// against the fakes: warroom downloads the bytes through the platform and records their
// SHA-256 and size, the uploader, the upload time and the reactor as first custodian. A file
// over the limit, a message without one, a closed incident and a removed member are refused
// with a clear reply and leave the database as it was; a 🧾 outside an incident channel does
// nothing at all; and nothing is downloaded for any reaction that may not record evidence.

var ransomNote = []byte("YOUR FILES ARE ENCRYPTED.\nSend 2 BTC to bc1qexample and mail the id 7F3A-11 to recover them.\n")

func ransomSum() string {
	s := sha256.Sum256(ransomNote)
	return hex.EncodeToString(s[:])
}

// dumpWithoutSeen is the whole database but the seen-event ids (a handled reaction marks its
// delivery seen even when it records nothing, so a redelivery stays a no-op).
func dumpWithoutSeen(t *testing.T, db *storage.DB) string {
	t.Helper()
	d, err := db.Dump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	skip := false
	for _, line := range strings.Split(d, "\n") {
		if strings.HasPrefix(line, "== ") {
			skip = strings.HasPrefix(line, "== seen_events ")
		}
		if !skip {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// receiptEntry is the one evidence entry of a timeline recorded from an upload.
func receiptEntry(t *testing.T, entries []bot.Entry) (bot.Entry, bot.EntryData) {
	t.Helper()
	var found []bot.Entry
	for _, e := range entries {
		if e.Kind == bot.KindEvidence {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d evidence entries, want 1", len(found))
	}
	d, err := bot.DecodeData(found[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	return found[0], d
}

func TestSlackReceiptHashesTheFile(t *testing.T) {
	h := newSlackE2E(t, e2eOptions{transport: socketMode})
	ch := h.declare("Ransomware on FS01")
	if ans := h.command(uAlice, ch, "invite <@"+uBob+"|bob>"); !strings.Contains(ans, "bob") {
		t.Fatalf("invite: %q", ans)
	}
	h.deliver(time.Minute)
	react := func(user, channel, ts string) {
		t.Helper()
		h.react(slackfake.ReactionAdded{User: user, Reaction: "receipt", Channel: channel, TS: ts})
		h.awaitHandled("reaction", 1)
	}
	// The ephemeral reply follows the engine's answer: wait for the n-th one to user.
	replyTo := func(user string, n int) string {
		t.Helper()
		var got string
		h.waitFake("reply "+strconv.Itoa(n)+" to "+user, func() bool {
			k := 0
			for _, e := range h.fake.Ephemerals() {
				if e.User == user {
					if k++; k == n {
						got = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(e.Text) // Slack's escaping
						return true
					}
				}
			}
			return false
		})
		return got
	}
	downloads := func() int { return h.fake.Calls("(download)") }

	// bob holds no role: the policy lets every member record evidence.
	ts, _ := h.fake.PostFilesAsUser(ch, uAlice, "found this on FS01", slackfake.FileUpload{Name: "README-DECRYPT.txt", Data: ransomNote})
	react(uBob, ch, ts)
	size := strconv.Itoa(len(ransomNote))
	if r := replyTo(uBob, 1); !strings.Contains(r, "evidence 1: README-DECRYPT.txt, "+size+" bytes, sha256 "+ransomSum()) {
		t.Fatalf("reply %q", r)
	}
	e, d := receiptEntry(t, h.timeline(1))
	if e.Actor != "bob" || d.Str("source") != "upload" || d.Str("sha256") != ransomSum() || d.Int("size") != int64(len(ransomNote)) ||
		d.Str("uploader") != "alice" || d.Str("channel") != ch || d.Str("message") != ts || !d.Time("uploaded_at").Equal(slackTime(t, ts)) ||
		!strings.Contains(e.Text, "README-DECRYPT.txt") {
		t.Fatalf("entry %+v data %s", e, e.Data)
	}
	if downloads() != 1 || h.fake.SuccessfulCalls("(download)") != 1 {
		t.Fatalf("downloads %d", downloads())
	}
	list := h.command(uBob, ch, "evidence list")
	if !strings.Contains(list, "1. README-DECRYPT.txt · sha256 `"+ransomSum()+"` · "+size+" bytes, uploaded by alice, hashed by warroom · held by bob") {
		t.Errorf("evidence list %q", list)
	}
	// Once per file, however many react.
	react(uAlice, ch, ts)
	if _, d := receiptEntry(t, h.timeline(1)); d.Int("evidence") != 1 {
		t.Error("a second 🧾 recorded the file again")
	}

	before, dl := dumpWithoutSeen(t, h.db), downloads()
	// Over the limit as Slack lists it: refused before a byte is fetched.
	big, _ := h.fake.PostFilesAsUser(ch, uAlice, "disk image", slackfake.FileUpload{Name: "fs01.e01", Zeros: 150 << 20})
	react(uBob, ch, big)
	if r := replyTo(uBob, 2); !strings.Contains(r, "fs01.e01 is 150.0 MiB; warroom hashes files of at most 100.0 MiB, so it was not recorded") ||
		!strings.Contains(r, "/incident evidence add <description> <sha256> <location>") {
		t.Errorf("too large: %q", r)
	}
	// No file at all.
	react(uBob, ch, h.fake.PostAsUser(ch, uAlice, "just words"))
	if r := replyTo(uBob, 3); !strings.Contains(r, "That message has no file warroom can read") {
		t.Errorf("no file: %q", r)
	}
	// Outside an incident channel a 🧾 is just an emoji: no reply, no download.
	gen, _ := h.fake.PostFilesAsUser(h.general, uAlice, "lunch menu", slackfake.FileUpload{Name: "menu.txt", Data: []byte("soup")})
	react(uBob, h.general, gen)
	if after := dumpWithoutSeen(t, h.db); after != before {
		t.Error("a 🧾 that recorded nothing changed the database")
	}

	// A member warroom removed, whose removal from the channel is still on its way: refused
	// by the policy, nothing written, nothing fetched.
	if ans := h.command(uAlice, ch, "remove <@"+uBob+"|bob>"); !strings.Contains(ans, "bob") {
		t.Fatalf("remove: %q", ans)
	}
	before = dumpWithoutSeen(t, h.db)
	late, _ := h.fake.PostFilesAsUser(ch, uAlice, "second note", slackfake.FileUpload{Name: "note2.txt", Data: []byte("more")})
	react(uBob, ch, late)
	if r := replyTo(uBob, 4); !strings.Contains(r, "You are not a member of INC-1") {
		t.Errorf("removed member: %q", r)
	}
	if after := dumpWithoutSeen(t, h.db); after != before {
		t.Error("a refused 🧾 changed the database")
	}
	if downloads() != dl {
		t.Errorf("%d downloads for reactions that may not record anything", downloads()-dl)
	}
	for _, e := range h.fake.Ephemerals() {
		if e.User == uBob && strings.Contains(e.Text, "menu.txt") {
			t.Errorf("a 🧾 outside an incident answered %q", e.Text)
		}
	}
	if v, err := h.db.Verify(context.Background(), 1); err != nil || !v.OK {
		t.Fatalf("verify: %+v %v", v, err)
	}
}

// slackTime reads a Slack ts as the time it names.
func slackTime(t *testing.T, ts string) time.Time {
	t.Helper()
	sec, frac, _ := strings.Cut(ts, ".")
	s, err1 := strconv.ParseInt(sec, 10, 64)
	us, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("ts %q", ts)
	}
	return time.Unix(s, us*1000).UTC()
}

func TestDiscordReceiptHashesTheAttachment(t *testing.T) {
	h := newDiscordE2E(t)
	_, reply := h.slash(dAlice, dGuild, h.general, "incident", incidentCmd("declare", discordfake.StringOption("title", "Ransomware on FS01")))
	if !strings.Contains(reply, "Declared INC-1") {
		t.Fatalf("declare: %q", reply)
	}
	h.deliver(time.Minute)
	ch := h.channel("inc-1-ransomware-on-fs01").ID
	if r := h.incident(dAlice, ch, "invite", discordfake.UserOption("user", dBob)); !strings.Contains(r, "bob") {
		t.Fatalf("invite: %q", r)
	}
	h.deliver(time.Minute)
	handled := h.adapter.Stats().Reactions
	react := func(user, channel, msg string) {
		t.Helper()
		h.fake.DispatchReactionAdd(dGuild, channel, msg, user, "🧾")
		handled++
		h.waitFor("the 🧾", func() bool { return h.adapter.Stats().Reactions >= handled })
	}
	fetched := func() int { return len(h.fake.CDNDownloads()) }

	// bob holds no role: the policy lets every member record evidence.
	msg, _ := h.fake.AddMessageWithFiles(ch, dAlice, "found this on FS01", discordfake.Attachment{Filename: "README-DECRYPT.txt", Data: ransomNote})
	react(dBob, ch, msg)
	size := strconv.Itoa(len(ransomNote))
	h.waitDM(dBob, "evidence 1: README-DECRYPT.txt, "+size+" bytes, sha256 "+ransomSum())
	e, d := receiptEntry(t, h.entries(1))
	posted, _ := h.fake.Message(msg)
	if e.Actor != "bob" || d.Str("source") != "upload" || d.Str("sha256") != ransomSum() || d.Int("size") != int64(len(ransomNote)) ||
		d.Str("uploader") != "alice" || d.Str("channel") != ch || d.Str("message") != msg ||
		!d.Time("uploaded_at").Equal(posted.Timestamp.Truncate(time.Microsecond)) {
		t.Fatalf("entry %+v data %s (posted %v)", e, e.Data, posted.Timestamp)
	}
	for _, dl := range h.fake.CDNDownloads() {
		if dl.Authorization != "" || dl.Status != 200 {
			t.Errorf("CDN request %+v: the bot token must never go to the CDN", dl)
		}
	}
	if fetched() != 1 {
		t.Fatalf("%d CDN requests, want 1", fetched())
	}
	if _, list := h.slash(dBob, dGuild, ch, "incident-more", incidentCmd("evidence list")); !strings.Contains(list, "1. README-DECRYPT.txt · sha256 `"+ransomSum()+"` · "+size+" bytes, uploaded by alice, hashed by warroom · held by bob") {
		t.Errorf("evidence list %q", list)
	}

	before, dl := dumpWithoutSeen(t, h.db), fetched()
	// Over the limit as Discord lists it: refused before a byte is fetched.
	big, _ := h.fake.AddMessageWithFiles(ch, dAlice, "disk image", discordfake.Attachment{Filename: "fs01.e01", Zeros: 150 << 20})
	react(dBob, ch, big)
	if m := h.waitDM(dBob, "fs01.e01 is 150.0 MiB; warroom hashes files of at most 100.0 MiB, so it was not recorded."); !strings.Contains(m.Content, "evidence add <description> <sha256> <location>") {
		t.Errorf("too large: %q", m.Content)
	}
	// No attachment at all.
	react(dBob, ch, h.fake.AddMessage(ch, dAlice, "just words"))
	h.waitDM(dBob, "That message has no file warroom can read")
	// Outside an incident channel a 🧾 is just an emoji: no reply, no download.
	dms := len(h.dmTexts(dBob))
	gen, _ := h.fake.AddMessageWithFiles(h.general, dAlice, "lunch menu", discordfake.Attachment{Filename: "menu.txt", Data: []byte("soup")})
	react(dBob, h.general, gen)
	if after := dumpWithoutSeen(t, h.db); after != before {
		t.Error("a 🧾 that recorded nothing changed the database")
	}
	if n := len(h.dmTexts(dBob)); n != dms {
		t.Errorf("a 🧾 outside an incident answered: %q", h.dmTexts(dBob)[dms:])
	}

	// A member warroom removed, whose removal from the channel is still on its way: refused
	// by the policy, nothing written, nothing fetched.
	if r := h.incident(dAlice, ch, "remove", discordfake.UserOption("user", dBob)); !strings.Contains(r, "bob") {
		t.Fatalf("remove: %q", r)
	}
	before = dumpWithoutSeen(t, h.db)
	late, _ := h.fake.AddMessageWithFiles(ch, dAlice, "second note", discordfake.Attachment{Filename: "note2.txt", Data: []byte("more")})
	react(dBob, ch, late)
	h.waitDM(dBob, "You are not a member of INC-1")
	if after := dumpWithoutSeen(t, h.db); after != before {
		t.Error("a refused 🧾 changed the database")
	}
	if fetched() != dl {
		t.Errorf("%d CDN requests for reactions that may not record anything", fetched()-dl)
	}
	if v, err := h.db.Verify(context.Background(), 1); err != nil || !v.OK {
		t.Fatalf("verify: %+v %v", v, err)
	}
}
