//go:build faults

package faults

// Several `warroom run` replicas on one PostgreSQL database (docs/deploy.md): a throwaway
// cluster from internal/pgtest, a database of its own for the test (advisory locks are per
// database), one signing key for all, each replica a botProc with its own addresses. The
// leader is whichever replica's /readyz says "leader": true.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/warroom/warroom/internal/pgtest"
)

type replicaSet struct {
	t    *testing.T
	url  string // the database, as every replica is given it
	key  string // the checkpoint signing key, the same file for every replica
	bots []*botProc
}

// newReplicaSet prepares n replicas (not started) on a fresh PostgreSQL database, each
// with the configuration yaml.
func newReplicaSet(t *testing.T, w *workspace, n int, yaml string) *replicaSet {
	t.Helper()
	rs := &replicaSet{t: t, url: pgtest.Database(t), key: filepath.Join(t.TempDir(), "warroom.key")}
	if code, out, errOut := warroomCLI(t, "key", "--db", rs.url, "--key", rs.key); code != 0 {
		t.Fatalf("warroom key: exit %d %s%s", code, out, errOut)
	}
	for range n {
		b := newBot(t, w, rs.url)
		if err := os.WriteFile(b.config, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		b.env = append(b.env, "WARROOM_KEY="+rs.key)
		rs.bots = append(rs.bots, b)
	}
	return rs
}

// startAll starts every replica and waits until each is ready.
func (rs *replicaSet) startAll() {
	rs.t.Helper()
	for _, b := range rs.bots {
		b.start()
	}
	for i, b := range rs.bots {
		if _, err := b.waitReady(30 * time.Second); err != nil {
			rs.t.Fatalf("replica %d: %v", i, err)
		}
	}
}

// leads asks a replica's /readyz whether it leads; known is false when it does not answer
// (down, starting) or answers without saying.
func (rs *replicaSet) leads(i int) (leader, known bool) {
	code, body := rs.bots[i].readyz()
	var r struct {
		Leader *bool `json:"leader"`
	}
	if json.Unmarshal([]byte(body), &r) == nil && r.Leader != nil {
		return *r.Leader, true
	}
	if code == 200 && len(rs.bots) == 1 {
		// A plain "ready" from a warroom that knows no replicas: alone on its database it
		// runs everything, the leader's work included.
		return true, true
	}
	return false, false
}

// leader waits until exactly one replica says it leads and returns it. Two replicas
// leading at once is a split brain and fails the test.
func (rs *replicaSet) leader(timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		var leaders []int
		for i := range rs.bots {
			if l, ok := rs.leads(i); ok && l {
				leaders = append(leaders, i)
			}
		}
		switch {
		case len(leaders) == 1:
			return leaders[0], nil
		case len(leaders) > 1:
			rs.t.Errorf("replicas %v all say they lead", leaders)
		}
		if time.Now().After(deadline) {
			return -1, fmt.Errorf("no replica leads after %v", timeout)
		}
		pause(20 * time.Millisecond)
	}
}

// verify runs `warroom verify --all` on the shared database.
func (rs *replicaSet) verify(t *testing.T) {
	t.Helper()
	code, out, errOut := warroomCLI(t, "verify", "--all", "--db", rs.url, "--key", rs.key)
	if code != 0 {
		t.Errorf("warroom verify --all exited %d:\n%s%s", code, out, errOut)
	}
}

// logTails is the end of every replica's log, for a failure message.
func (rs *replicaSet) logTails(n int) string {
	var sb strings.Builder
	for i, b := range rs.bots {
		fmt.Fprintf(&sb, "--- replica %d\n%s\n", i, b.logTail(n))
	}
	return sb.String()
}

// readPG reads what readDB reads on SQLite, in one read-only snapshot of the shared
// database (integrity is PostgreSQL's own business: "ok" here).
func readPG(t *testing.T, url string) dbState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	s := dbState{integrity: "ok", notes: map[string]int{}}
	rows, err := tx.Query(ctx, `SELECT text, COUNT(*) FROM timeline WHERE kind = 'note' GROUP BY text`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var text string
		var n int
		if err := rows.Scan(&text, &n); err != nil {
			t.Fatal(err)
		}
		s.notes[text] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for q, dst := range map[string]*int{
		`SELECT COUNT(*) FROM timeline`:  &s.entries,
		`SELECT COUNT(*) FROM incidents`: &s.incidents,
		`SELECT COUNT(*) FROM outbox`:    &s.outbox,
	} {
		if err := tx.QueryRow(ctx, q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return s
}

// pgTimers is how many timers of a kind for an incident are in each state.
func pgTimers(t *testing.T, url, kind string, incident int) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT state, COUNT(*) FROM timers WHERE kind = $1 AND incident = $2 GROUP BY state`, kind, incident)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		out[st] = n
	}
	return out
}

// postedTwice lists the outbox rows whose message the fake Slack received more than once:
// every message warroom posts carries its row's id in its metadata (docs/exactly-once.md),
// so two messages with one id are one row delivered twice. It also says how many tagged
// messages it saw, so a check that found no tags at all cannot pass unnoticed.
func (w *workspace) postedTwice() (dups []string, tagged int) {
	where := map[string]string{}
	for _, c := range w.fake.Channels() {
		for _, m := range w.fake.Messages(c.ID) {
			if len(m.Metadata) == 0 {
				continue
			}
			var md struct {
				EventType    string `json:"event_type"`
				EventPayload struct {
					ID string `json:"id"`
				} `json:"event_payload"`
			}
			if json.Unmarshal(m.Metadata, &md) != nil || md.EventType != "warroom_outbox" || md.EventPayload.ID == "" {
				continue
			}
			tagged++
			here := c.ID + "/" + m.TS
			if prev, ok := where[md.EventPayload.ID]; ok {
				dups = append(dups, fmt.Sprintf("row %s in %s and %s (%.60q)", md.EventPayload.ID, prev, here, m.Text))
			}
			where[md.EventPayload.ID] = here
		}
	}
	return dups, tagged
}

// countText counts bot messages containing marker, in channel ch and everywhere else
// (direct messages).
func (w *workspace) countText(ch, marker string) (inChannel, elsewhere int) {
	for _, c := range w.fake.Channels() {
		for _, text := range w.botMessages(c.ID) {
			if strings.Contains(text, marker) {
				if c.ID == ch {
					inChannel++
				} else {
					elsewhere++
				}
			}
		}
	}
	return inChannel, elsewhere
}

// The duplicate check can fail: two messages carrying one outbox row's id, posted through
// the fake's Web API as warroom posts them, are reported; distinct ids are not.
func TestPostedTwiceFindsTheSecondCopy(t *testing.T) {
	w := newWorkspace(t)
	post := func(id string) {
		t.Helper()
		form := url.Values{"channel": {w.general}, "text": {"row " + id},
			"metadata": {`{"event_type":"warroom_outbox","event_payload":{"id":"` + id + `"}}`}}
		req, _ := http.NewRequest(http.MethodPost, w.fake.APIURL()+"chat.postMessage", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+w.fake.BotToken())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"ok":true`) {
			t.Fatalf("chat.postMessage: %s", body)
		}
	}
	post("7")
	post("8")
	if dups, tagged := w.postedTwice(); len(dups) != 0 || tagged != 2 {
		t.Fatalf("two rows posted once each: duplicates %v, %d tagged", dups, tagged)
	}
	post("7")
	if dups, tagged := w.postedTwice(); len(dups) != 1 || !strings.Contains(dups[0], "row 7 ") || tagged != 3 {
		t.Fatalf("row 7 posted twice: duplicates %v, %d tagged", dups, tagged)
	}
}

// pgOutboxOf describes an incident's timers and its outbox rows that are not done, for a
// failure message.
func pgOutboxOf(t *testing.T, url string, incident int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err.Error()
	}
	defer conn.Close(context.Background())
	var sb strings.Builder
	trows, err := conn.Query(ctx, `SELECT kind, state, due_at, COALESCE(fired_at, '') FROM timers WHERE incident = $1 ORDER BY id`, incident)
	if err != nil {
		return err.Error()
	}
	for trows.Next() {
		var kind, state, due, fired string
		if err := trows.Scan(&kind, &state, &due, &fired); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&sb, "  timer %s state=%s due=%s fired=%s\n", kind, state, due, fired)
	}
	trows.Close()
	rows, err := conn.Query(ctx, `SELECT id, lane, op, state, attempts, next_at, last_error FROM outbox WHERE incident = $1 AND state <> 'done' ORDER BY id`, incident)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	pending := 0
	for rows.Next() {
		pending++
		var id, attempts int64
		var lane, op, state, next, lastErr string
		if err := rows.Scan(&id, &lane, &op, &state, &attempts, &next, &lastErr); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&sb, "  outbox %d lane=%s op=%s state=%s attempts=%d next_at=%s last_error=%.120q\n", id, lane, op, state, attempts, next, lastErr)
	}
	if pending == 0 {
		sb.WriteString("  (every outbox row of the incident is done)\n")
	}
	return sb.String()
}
