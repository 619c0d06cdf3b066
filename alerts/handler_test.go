package alerts_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

const beacon = `{"summary":"Beacon to 203.0.113.9 from db1","severity":"high","dedup_key":"beacon-db1","observed_at":"2026-03-02T08:50:00Z","source_url":"https://siem.internal/a/77"}`

func wantAnswer(t *testing.T, a answer, status int, want string) {
	t.Helper()
	if a.status != status || strings.TrimSpace(a.raw) != want {
		t.Fatalf("answer %d %s, want %d %s", a.status, strings.TrimSpace(a.raw), status, want)
	}
}

// A signed alert that routes to declare opens an incident as alerts:siem with the alert as
// entry 1 at its own time; the same key again is appended; resolved is recorded and closes
// nothing.
func TestAlertDeclaresThenAppendsThenResolves(t *testing.T) {
	f := newFixture(t, 100)
	wantAnswer(t, f.send(beacon), http.StatusAccepted, `{"incident":"INC-1","new":true}`)
	incs := f.incidents()
	if len(incs) != 1 {
		t.Fatalf("%d incidents", len(incs))
	}
	inc := incs[0]
	if inc.DeclaredBy != "alerts:siem" || inc.Type != "malware" || inc.Severity != 1 || inc.Title != "Beacon to 203.0.113.9 from db1" || inc.Drill {
		t.Fatalf("incident %+v", inc)
	}
	es := f.entries(1)
	if es[0].Kind != bot.KindAlert || es[0].Actor != "alerts:siem" || !es[0].OccurredAt.Equal(time.Date(2026, 3, 2, 8, 50, 0, 0, time.UTC)) ||
		!strings.Contains(es[0].Text, "beacon-db1") || es[1].Kind != bot.KindDeclared {
		t.Fatalf("first entries: %+v", es[:2])
	}
	if d := string(es[0].Data); d != `{"alert":1,"group":1,"severity":2,"source":"siem","status":"firing"}` {
		t.Errorf("entry 1 data %s", d)
	}
	var members []string
	f.view(func(tx *storage.Tx) (err error) { members, err = tx.Members(1); return })
	if strings.Join(members, ",") != "alerts:siem,dave" {
		t.Errorf("members %v: want the lead invited", members)
	}

	f.clock.Advance(time.Minute)
	wantAnswer(t, f.send(beacon), http.StatusAccepted, `{"incident":"INC-1","new":false}`)
	resolved := strings.Replace(beacon, `"severity"`, `"status":"resolved","severity"`, 1)
	wantAnswer(t, f.send(resolved), http.StatusAccepted, `{"incident":"INC-1","new":false}`)
	if n := len(f.incidents()); n != 1 {
		t.Fatalf("%d incidents after the same key twice", n)
	}
	es = f.entries(1)
	last := es[len(es)-1]
	if last.Kind != bot.KindAlert || !strings.Contains(last.Text, "resolved") {
		t.Fatalf("last entry %+v", last)
	}
	var inc2 *bot.Incident
	f.view(func(tx *storage.Tx) (err error) { inc2, err = tx.Incident(1); return })
	if inc2.Status != bot.StatusOpen {
		t.Fatal("a resolved alert closed the incident")
	}
	v, err := f.db.Verify(context.Background(), 1)
	if err != nil || !v.OK {
		t.Fatalf("chain: %+v %v", v, err)
	}
	var groups []alert.Group
	f.view(func(tx *storage.Tx) (err error) { groups, err = tx.AlertGroups(1); return })
	if len(groups) != 1 || groups[0].Count != 3 || groups[0].Status != "resolved" {
		t.Fatalf("groups %+v", groups)
	}
}

func TestAlertRoutesToTriageOrDrop(t *testing.T) {
	f := newFixture(t, 100)
	wantAnswer(t, f.send(`{"summary":"Port scan from 198.51.100.4","severity":"medium","dedup_key":"scan"}`), http.StatusAccepted, `{"triage":"TRI-1","new":true}`)
	wantAnswer(t, f.send(`{"summary":"Port scan again","severity":"medium","dedup_key":"scan"}`), http.StatusAccepted, `{"triage":"TRI-1","new":false}`)
	wantAnswer(t, f.send(`{"summary":"Known scanner","labels":{"noise":"yes"}}`), http.StatusAccepted, `{"dropped":true}`)
	// A resolution with nothing open to resolve opens nothing.
	wantAnswer(t, f.send(`{"summary":"Gone","status":"resolved","dedup_key":"never-seen","severity":"critical"}`), http.StatusAccepted, `{"dropped":true}`)
	if n := len(f.incidents()); n != 0 {
		t.Fatalf("%d incidents from triage and drop routes", n)
	}
}

// Forged, replayed, expired, oversized, malformed and unknown-source alerts, and bad bearer
// tokens, change nothing in the database.
func TestRefusedAlertsChangeNothing(t *testing.T) {
	f := newFixture(t, 100)
	first := f.signed(beacon, "msg_original", f.clock.Now())
	wantAnswer(t, f.do(first), http.StatusAccepted, `{"incident":"INC-1","new":true}`)
	before := f.dump()
	other := *f
	other.key = []byte("someone else's key")
	big := `{"summary":"x","details":"` + strings.Repeat("A", alertsMaxBody()) + `"}`
	cases := []struct {
		name   string
		req    *http.Request
		status int
		want   string
	}{
		{"forged signature", other.signed(beacon, "msg_forged", f.clock.Now()), 401, "no webhook-signature matches"},
		{"tampered body", func() *http.Request {
			r := f.signed(beacon, "msg_tampered", f.clock.Now())
			r2 := f.signed(strings.Replace(beacon, "db1", "db2", 1), "msg_tampered", f.clock.Now())
			r2.Header = r.Header
			return r2
		}(), 401, "no webhook-signature matches"},
		{"unsigned", func() *http.Request {
			r := f.signed(beacon, "msg_unsigned", f.clock.Now())
			r.Header.Del("webhook-signature")
			return r
		}(), 401, "missing webhook-id"},
		{"too old", f.signed(beacon, "msg_old", f.clock.Now().Add(-6*time.Minute)), 401, "more than 5 minutes"},
		{"from the future", f.signed(beacon, "msg_future", f.clock.Now().Add(6*time.Minute)), 401, "more than 5 minutes"},
		{"oversized", f.signed(big, "msg_big", f.clock.Now()), 413, "over 256 KiB"},
		{"malformed", f.signed(`{"summary":`, "msg_bad", f.clock.Now()), 400, "cut short"},
		{"no summary", f.signed(`{"severity":"high"}`, "msg_nosummary", f.clock.Now()), 400, "summary is required"},
		{"unknown source", func() *http.Request {
			r := f.signed(beacon, "msg_edr", f.clock.Now())
			r.URL.Path = "/hooks/alerts/edr"
			return r
		}(), 404, "unknown alert source"},
		{"no bearer", f.bearer(readFile(t, "alertmanager-firing.json"), ""), 401, "missing Authorization"},
		{"wrong bearer", f.bearer(readFile(t, "alertmanager-firing.json"), "prom-token-WRONG-456789abcdef"), 401, "wrong bearer token"},
		{"signature on a token source", func() *http.Request {
			r := f.signed(string(readFile(t, "alertmanager-firing.json")), "msg_am", f.clock.Now())
			r.URL.Path = "/hooks/alerts/prometheus"
			return r
		}(), 401, "missing Authorization"},
	}
	for _, c := range cases {
		a := f.do(c.req)
		if a.status != c.status || !strings.Contains(a.body["error"].(string), c.want) {
			t.Errorf("%s: %d %s, want %d …%s…", c.name, a.status, a.raw, c.status, c.want)
		}
		if after := f.dump(); after != before {
			t.Fatalf("%s changed the database:\n%s", c.name, diffLines(before, after))
		}
	}
	// A replay of the accepted delivery (same webhook-id, a fresh valid signature even)
	// repeats the first answer and changes nothing.
	f.clock.Advance(time.Minute)
	replay := f.do(f.signed(beacon, "msg_original", f.clock.Now()))
	wantAnswer(t, replay, http.StatusAccepted, `{"incident":"INC-1","new":false,"replayed":true}`)
	if after := f.dump(); after != before {
		t.Fatalf("the replay changed the database:\n%s", diffLines(before, after))
	}
}

func TestRateLimitPerSource(t *testing.T) {
	f := newFixture(t, 2)
	f.send(`{"summary":"one","severity":"low"}`)
	f.send(`{"summary":"two","severity":"low"}`)
	before := f.dump()
	a := f.do(f.signed(`{"summary":"three","severity":"low"}`, f.nextID(), f.clock.Now()))
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "1" {
		t.Fatalf("third alert in the burst: %d Retry-After %q %s", a.status, a.header.Get("Retry-After"), a.raw)
	}
	if f.dump() != before {
		t.Fatal("a rate-limited alert changed the database")
	}
	// Another source has its own budget; this one refills at 60/m.
	if a := f.do(f.bearer(readFile(t, "alertmanager-firing.json"), promToken)); a.status != http.StatusAccepted {
		t.Fatalf("prometheus limited by siem's rate: %d %s", a.status, a.raw)
	}
	f.clock.Advance(time.Second)
	f.send(`{"summary":"three","severity":"low"}`)
}

// 1,000 alerts over 10 keys, sent by 64 senders at once, make at most 10 incidents and 10
// triage posts.
func TestThousandAlertsTenKeys(t *testing.T) {
	f := newFixture(t, 5000)
	var wg sync.WaitGroup
	jobs := make(chan int)
	var mu sync.Mutex
	var failures []string
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sev := []string{"critical", "medium"}[i%2]
				body := `{"summary":"Alert ` + string(rune('a'+i%10)) + `","severity":"` + sev + `","dedup_key":"key-` + string(rune('a'+i%10)) + `"}`
				req := f.signed(body, "msg_bulk_"+strings.Repeat("x", i%3)+string(rune('A'+i%26))+itoa(i), f.clock.Now())
				resp, err := http.DefaultClient.Do(req)
				mu.Lock()
				if err != nil {
					failures = append(failures, err.Error())
				} else {
					if resp.StatusCode != http.StatusAccepted {
						failures = append(failures, resp.Status)
					}
					resp.Body.Close()
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < 1000; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of 1000 not accepted, e.g. %s", len(failures), failures[0])
	}
	// Even i are critical (declare), odd medium (triage); key i%10 — so keys a,c,e,g,i
	// declare and b,d,f,h,j go to triage.
	if n := len(f.incidents()); n != 5 {
		t.Errorf("%d incidents, want 5", n)
	}
	total := 0
	groups := 0
	f.view(func(tx *storage.Tx) error {
		for id := int64(1); ; id++ {
			g, err := tx.AlertGroup(id)
			if err == storage.ErrNotFound {
				return nil
			}
			if err != nil {
				return err
			}
			groups++
			total += g.Count
		}
	})
	if groups != 10 || total != 1000 {
		t.Errorf("%d groups holding %d alerts, want 10 holding 1000", groups, total)
	}
}

// Dedup keys and delivery ids live in the database: after a restart the same key joins
// the same incident, and a replay is still recognised.
func TestRestartKeepsDedup(t *testing.T) {
	f := newFixture(t, 100)
	wantAnswer(t, f.do(f.signed(beacon, "msg_before_restart", f.clock.Now())), http.StatusAccepted, `{"incident":"INC-1","new":true}`)
	f.restart()
	wantAnswer(t, f.send(beacon), http.StatusAccepted, `{"incident":"INC-1","new":false}`)
	wantAnswer(t, f.do(f.signed(beacon, "msg_before_restart", f.clock.Now())), http.StatusAccepted, `{"incident":"INC-1","new":false,"replayed":true}`)
	if n := len(f.incidents()); n != 1 {
		t.Fatalf("%d incidents after a restart", n)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
