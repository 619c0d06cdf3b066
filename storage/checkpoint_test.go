package storage

import (
	"context"
	"os"
	"testing"
	"time"
)

// walTest is a SQLite database whose writer's log can be looked at.
type walTest struct {
	t    *testing.T
	db   *DB
	page int64
}

func openWALTest(t *testing.T) *walTest {
	t.Helper()
	sqliteOnly(t, "the write-ahead log is SQLite's file")
	db := openTest(t)
	w := &walTest{t: t, db: db}
	if err := db.reader.QueryRow(`PRAGMA page_size`).Scan(&w.page); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(context.Background(), func(tx *Tx) error {
		_, err := tx.exec(`CREATE TABLE filler (data BLOB)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// fill commits n transactions of about pages pages each.
func (w *walTest) fill(n, pages int, after func()) {
	w.t.Helper()
	for i := 0; i < n; i++ {
		if err := w.db.Update(context.Background(), func(tx *Tx) error {
			_, err := tx.exec(`INSERT INTO filler (data) VALUES (randomblob(?))`, int64(pages)*w.page)
			return err
		}); err != nil {
			w.t.Fatal(err)
		}
		if after != nil {
			after()
		}
	}
}

func (w *walTest) walSize() int64 {
	st, err := os.Stat(w.db.path + "-wal")
	if err != nil {
		w.t.Fatal(err)
	}
	return st.Size()
}

// The writer's commits do not checkpoint. With SQLite's default the commit that took the
// log past 1,000 pages checkpointed inside the writer and the log restarted, so 4,000
// pages committed never made the file much longer than 1,000 pages; with the background
// checkpointer stopped, nothing copies the log back and all 4,000 stay in it.
func TestWriterCommitsDoNotCheckpoint(t *testing.T) {
	w := openWALTest(t)
	w.db.ckpt.stop()
	w.fill(40, 100, nil)
	if got, want := w.walSize(), 4000*w.page; got < want {
		t.Fatalf("the log is %d pages after 4,000 committed with no background checkpointer: the writer checkpointed it (want ≥ %d)", got/w.page, want/w.page)
	}
}

// The background checkpointer copies the log into the database after commits, without
// being asked, and a checkpoint needs no writer: one runs to the end while the writer is
// inside a transaction.
func TestWALIsCheckpointedOffTheWriter(t *testing.T) {
	w := openWALTest(t)
	ran := make(chan [2]int, 100)
	report := func(logFrames, copied int) { ran <- [2]int{logFrames, copied} }
	w.db.ckpt.ran.Store(&report)
	w.fill(20, 100, nil)
	deadline := time.After(20 * time.Second)
	for done := false; !done; {
		select {
		case r := <-ran:
			done = r[0] >= 2000 && r[1] == r[0]
		case <-deadline:
			t.Fatal("the background checkpointer did not copy 2,000 committed pages")
		}
	}

	held, release := make(chan struct{}), make(chan struct{})
	writeDone := make(chan error, 1)
	go func() {
		writeDone <- w.db.Update(context.Background(), func(tx *Tx) error {
			if _, err := tx.exec(`INSERT INTO filler (data) VALUES (randomblob(10))`); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	defer func() {
		close(release)
		if err := <-writeDone; err != nil {
			t.Error(err)
		}
	}()
	w.db.ckpt.ran.Store(nil)
	ckptDone := make(chan [3]int, 1)
	go func() {
		l, c, err := checkpoint(context.Background(), w.db.ckpt.conn)
		e := 0
		if err != nil {
			e = 1
		}
		ckptDone <- [3]int{l, c, e}
	}()
	select {
	case r := <-ckptDone:
		if r[2] != 0 || r[1] != r[0] {
			t.Fatalf("a checkpoint with the writer inside a transaction: log %d frames, copied %d, failed %v", r[0], r[1], r[2] == 1)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a checkpoint waited for the writer's transaction")
	}
}

// However the checkpointer falls behind (here it is stopped), the log never grows far past
// its bound: the writer then checkpoints itself.
func TestWALStaysBounded(t *testing.T) {
	w := openWALTest(t)
	w.db.ckpt.stop()
	w.db.ckpt.limit.Store(256 * w.page)
	maxSize := int64(0)
	w.fill(100, 16, func() { maxSize = max(maxSize, w.walSize()) })
	// The bound plus the commit that crossed it, and the one the restart began with.
	if limit := w.db.ckpt.limit.Load() + 2*17*w.page; maxSize > limit {
		t.Fatalf("the log grew to %d pages with the checkpointer stopped and a bound of %d pages (1,600 pages committed)", maxSize/w.page, w.db.ckpt.limit.Load()/w.page)
	}
	if maxSize < w.db.ckpt.limit.Load() {
		t.Fatalf("the log never reached its bound (%d pages of %d): the test shows nothing", maxSize/w.page, w.db.ckpt.limit.Load()/w.page)
	}
}
