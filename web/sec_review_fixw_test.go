package web_test

// Security review (branch sec): holes in the web view, each a test that failed before its fix.

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

// The live stream is a view of the incident like the page: /events?after=0 replays the
// timeline (up to 500 entries) to whoever may see it, so its first use in a session must
// be a read-in too. It records nothing: a lead can read a whole incident without leaving a
// trace in the access log the report lists.
func TestSecLiveStreamReplayIsARecordedReadIn(t *testing.T) {
	s := newSite(t, "")
	ch := s.declare("alice", "Phishing wave")
	s.cmd("alice", ch, "note the CFO clicked the link")
	dave := s.signIn("dave") // a lead, not a member
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.http.URL+"/incidents/INC-1/events?after=0", nil)
	dave.Timeout = 0
	resp, err := dave.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("events: %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	read := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "the CFO clicked the link") {
			read = true
			break
		}
	}
	if !read {
		t.Fatal("the stream did not replay the timeline")
	}
	var reads []bot.ReadIn
	if err := s.db.View(s.ctx, func(tx *storage.Tx) (err error) { reads, err = tx.ReadIns(1); return err }); err != nil {
		t.Fatal(err)
	}
	if len(reads) != 1 || reads[0].Person != "dave" {
		t.Errorf("dave read the timeline through /events; read-ins recorded: %+v (want one, dave)", reads)
	}
}
