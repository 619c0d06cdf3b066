package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/fakes/slackfake"
)

// A report upload caught in flight by a redaction: the deliverer has read the report's
// bytes (they hold the note's secret) and is sending them to Slack's upload URL when the
// redaction commits. Before, the upload was completed and shared with the secret, and the
// channel was told afterwards to delete the file. Now the deliverer asks the store, right
// before files.completeUploadExternal shares the file, whether a redaction rewrote the
// operation since it was read: it did, so the file is not shared, and the upload is made
// again from the scrubbed bytes. Through the real slack-go client against the fake.
func TestSlackUploadCaughtByARedactionIsNotShared(t *testing.T) {
	h := newSlackE2E(t, e2eOptions{transport: socketMode})
	ch := h.declare("Vault leak")
	if r := h.command(uAlice, ch, "note "+secretNote); !strings.Contains(r, "as entry") {
		t.Fatalf("note: %q", r)
	}
	h.deliver(time.Minute)
	h.fake.Slow("(upload)", 3*time.Second) // the bytes are on their way while the redaction commits
	if r := h.command(uAlice, ch, "report"); strings.Contains(r, "ask again") {
		t.Fatalf("report: %q", r)
	}
	flushed := make(chan error, 1)
	go func() { flushed <- h.deliverer.Flush(context.Background()) }()
	h.waitFake("the upload to start", func() bool { return h.fake.Calls("files.getUploadURLExternal") >= 1 })
	if r := h.command(uAlice, ch, "redact last pasted by mistake"); !strings.Contains(r, "redacted") {
		t.Fatalf("redact: %q", r)
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	h.fake.Slow("(upload)", 0)
	h.deliver(time.Minute)
	var report []slackfake.File
	for _, f := range h.fake.Files(ch) {
		if bytes.Contains(f.Bytes, []byte(secretNote)) {
			t.Fatalf("%s was shared in the channel with the text the redaction removed", f.Filename)
		}
		if strings.HasPrefix(f.Filename, "report-INC-1") {
			report = append(report, f)
		}
	}
	if h.fake.SuccessfulCalls("(upload)") < 2 {
		t.Fatalf("%d uploads reached the fake, want the one caught in flight and the one made again", h.fake.SuccessfulCalls("(upload)"))
	}
	if len(report) != 1 || !bytes.Contains(report[0].Bytes, []byte(bot.RedactedText)) {
		t.Fatalf("%d reports shared, want one, made from the scrubbed bytes: %+v", len(report), report)
	}
}
