package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"time"
)

// Reading an uploaded file for a 🧾 (receipt) reaction. Every adapter streams the bytes the
// platform serves through a FileHasher, so a file is never held in memory, and stops at
// MaxEvidenceFile: warroom hashes evidence, it does not store it.

// MaxEvidenceFile is the largest file warroom hashes (100 MiB, Discord's largest upload for
// a boosted server and far above Slack's typical attachments). A larger file is refused with
// a reply saying to hash it where it is kept and record it with `evidence add`.
const MaxEvidenceFile int64 = 100 << 20

// EvidenceFileTimeout bounds reading one file from the platform, retries included.
const EvidenceFileTimeout = 2 * time.Minute

// ErrFileTooLarge is what a FileHasher answers once more than its limit was written.
var ErrFileTooLarge = errors.New("file larger than the limit warroom hashes")

// FileHasher is an io.Writer that hashes what is written to it and refuses more than limit
// bytes.
type FileHasher struct {
	h     hash.Hash
	n     int64
	limit int64
}

// NewFileHasher hashes up to limit bytes (MaxEvidenceFile when limit <= 0).
func NewFileHasher(limit int64) *FileHasher {
	if limit <= 0 {
		limit = MaxEvidenceFile
	}
	return &FileHasher{h: sha256.New(), limit: limit}
}

// Write hashes p, or refuses it whole once the total would pass the limit.
func (w *FileHasher) Write(p []byte) (int, error) {
	if w.n+int64(len(p)) > w.limit {
		w.n = w.limit + 1 // remembered as too large, whatever is written after
		return 0, ErrFileTooLarge
	}
	w.n += int64(len(p))
	return w.h.Write(p)
}

// Size is the number of bytes hashed.
func (w *FileHasher) Size() int64 { return w.n }

// Sum is the lowercase hex SHA-256 of what was written.
func (w *FileHasher) Sum() string { return hex.EncodeToString(w.h.Sum(nil)) }

// ReadFile runs one download into a fresh FileHasher — up to attempts times while transient
// says the failure may pass, all within EvidenceFileTimeout — and turns the outcome into a
// receipt. listed is the size the platform lists for the file (0: unknown): a larger one is
// refused without downloading, and bytes that do not add up to it are not recorded.
// describe words a download error for the person who reacted; it must not quote secrets.
func ReadFile(ctx context.Context, id, name string, listed, limit int64, attempts int,
	download func(ctx context.Context, w *FileHasher) error, transient func(error) bool, describe func(error) string) FileReceipt {
	if limit <= 0 {
		limit = MaxEvidenceFile
	}
	r := FileReceipt{ID: id, Name: name}
	if listed > limit {
		r.Size, r.TooLarge, r.Limit = listed, true, limit
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, EvidenceFileTimeout)
	defer cancel()
	var err error
	for try := 0; try < max(attempts, 1); try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(try) * 500 * time.Millisecond):
			}
			if ctx.Err() != nil {
				break
			}
		}
		w := NewFileHasher(limit)
		err = download(ctx, w)
		switch {
		case errors.Is(err, ErrFileTooLarge) || w.Size() > limit:
			r.Size, r.TooLarge, r.Limit = w.Size(), true, limit
			if listed > r.Size {
				r.Size = listed
			}
			return r
		case err == nil && listed > 0 && w.Size() != listed:
			err = shortRead{got: w.Size(), listed: listed} // a cut-off download: try again
			continue
		case err == nil:
			r.Size, r.SHA256 = w.Size(), w.Sum()
			return r
		}
		if ctx.Err() != nil || !transient(err) {
			break
		}
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		r.Err = fmt.Sprintf("reading it took longer than %s", EvidenceFileTimeout)
	case ctx.Err() != nil:
		r.Err = "warroom was stopping"
	case errors.As(err, new(shortRead)):
		r.Err = err.Error()
	default:
		r.Err = describe(err)
	}
	return r
}

// shortRead is a download that ended before the size the platform lists.
type shortRead struct{ got, listed int64 }

func (e shortRead) Error() string {
	return fmt.Sprintf("the platform served %d bytes of a file it lists as %d bytes", e.got, e.listed)
}

// HumanBytes is a size as people read it: "512 bytes", "3.2 MiB".
func HumanBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
