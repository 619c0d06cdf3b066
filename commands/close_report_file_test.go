package commands

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/storage"
)

// heldFileStore wraps the real store so that, once armed, storing the close's report
// file waits until the test lets it go (a report whose parts take as long as the test
// likes to write), or fails (the process dies while writing them).
type heldFileStore struct {
	Store
	heldOnce
	mu     sync.Mutex
	fail   bool
	stored []int64
}

func (s *heldFileStore) View(ctx context.Context, fn func(Tx) error) error {
	return s.Store.(Viewer).View(ctx, fn)
}

func (s *heldFileStore) StoreFile(ctx context.Context, data []byte, at time.Time) (int64, error) {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	s.pass(true)
	if fail {
		return 0, errors.New("injected: the process died while writing the report's parts")
	}
	id, err := s.Store.(FileKeeper).StoreFile(ctx, data, at)
	s.mu.Lock()
	s.stored = append(s.stored, id)
	s.mu.Unlock()
	return id, err
}

func (s *heldFileStore) DropFile(ctx context.Context, id int64) error {
	return s.Store.(FileKeeper).DropFile(ctx, id)
}

// The close's report is written into the store apart from the transaction that queues
// it. While it is being written (held here for as long as the test likes) another
// command in another incident commits and is answered; then the report is queued by its
// id and the deliverer uploads exactly the bytes written. Before, the queueing
// transaction wrote the whole report (18 MB of JSON at 100,000 entries) and held the
// single writer while it did.
func TestCloseReportIsWrittenApartWhileOthersCommit(t *testing.T) {
	files := &heldFileStore{}
	h, rec := repHarness(t, withStore(func(s Store) Store { files.Store = s; return files }))
	closeWhileHeld(t, h, files.arm, func() <-chan struct{} { return files.entered }, "writing the close's report apart from its queueing", files.letGo)
	f := rec.last(t)
	wantContains(t, "the uploaded report", string(f.Data), "closed as true-positive from identification: contained", "- Verification: passed")
	if len(files.stored) != 1 {
		t.Fatalf("report files stored: %v", files.stored)
	}
	h.view(func(tx *storage.Tx) error {
		if tm, err := tx.Timer(closeReportKey(h.incident(1))); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the close's promise timer is still pending after the report was queued: %+v, %v", tm, err)
		}
		return nil
	})
	got, err := h.db.StoredFile(h.ctx, files.stored[0])
	if err != nil || string(got) != string(f.Data) {
		t.Fatalf("the stored file is not what was uploaded (%v)", err)
	}
}
