package bot

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// ReadFile: a transient failure is tried again (up to attempts), a refusal once; a file over
// the limit, listed or streamed, stops there; the reason words come from the adapter.
func TestReadFileRetriesBoundsAndWords(t *testing.T) {
	ctx := context.Background()
	flaky, refused := errors.New("connection reset"), errors.New("HTTP 403")
	calls := 0
	dl := func(errs ...error) func(context.Context, *FileHasher) error {
		return func(_ context.Context, w *FileHasher) error {
			calls++
			if len(errs) >= calls && errs[calls-1] != nil {
				return errs[calls-1]
			}
			_, err := io.Copy(w, strings.NewReader("evidence"))
			return err
		}
	}
	transient := func(err error) bool { return err == flaky }
	describe := func(err error) string { return "said " + err.Error() }

	calls = 0
	if r := ReadFile(ctx, "F1", "a.txt", 8, 0, 3, dl(flaky, flaky), transient, describe); r.SHA256 == "" || r.Size != 8 || calls != 3 {
		t.Errorf("two transient failures, then the file: %+v after %d calls", r, calls)
	}
	calls = 0
	if r := ReadFile(ctx, "F1", "a.txt", 8, 0, 3, dl(refused, nil), transient, describe); r.SHA256 != "" || r.Err != "said HTTP 403" || calls != 1 {
		t.Errorf("a refusal: %+v after %d calls", r, calls)
	}
	calls = 0
	if r := ReadFile(ctx, "F1", "a.txt", 9, 0, 1, dl(), transient, describe); r.SHA256 != "" || !strings.Contains(r.Err, "served 8 bytes of a file it lists as 9") {
		t.Errorf("short: %+v", r)
	}
	calls = 0
	if r := ReadFile(ctx, "F1", "a.txt", 0, 4, 3, dl(), transient, describe); !r.TooLarge || r.Limit != 4 || r.SHA256 != "" || calls != 1 {
		t.Errorf("over the limit while streaming: %+v after %d calls", r, calls)
	}
	calls = 0
	if r := ReadFile(ctx, "F1", "a.txt", 5, 4, 3, dl(), transient, describe); !r.TooLarge || r.Size != 5 || calls != 0 {
		t.Errorf("listed over the limit: %+v after %d calls", r, calls)
	}
	w := NewFileHasher(4)
	if n, err := w.Write([]byte("12345")); n != 0 || !errors.Is(err, ErrFileTooLarge) {
		t.Errorf("a write past the limit: %d %v", n, err)
	}
	for n, want := range map[int64]string{512: "512 bytes", 3 << 10: "3.0 KiB", 150 << 20: "150.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := HumanBytes(n); got != want {
			t.Errorf("HumanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
