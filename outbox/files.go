package outbox

import (
	"context"
	"errors"

	"github.com/warroom/warroom/bot"
)

// FileStore is a store that keeps an upload's bytes apart from its operation
// (bot.File.Stored), so that queueing a large report does not write all of it in one
// transaction: the deliverer reads them back when it uploads, not at every look at the
// lanes' heads.
type FileStore interface {
	StoredFile(ctx context.Context, id int64) ([]byte, error)
}

// fileOf is f with its bytes, read back from the store when it keeps them.
func (d *Deliverer) fileOf(ctx context.Context, f bot.File) (bot.File, error) {
	if f.Stored == 0 {
		return f, nil
	}
	fs, ok := d.store.(FileStore)
	if !ok {
		return f, bot.Permanent(errors.New("upload of a stored file, but the store keeps no files"))
	}
	data, err := fs.StoredFile(ctx, f.Stored)
	if errors.Is(err, bot.ErrNotFound) {
		return f, bot.Permanent(errors.New("the upload's file is gone"))
	}
	if err != nil {
		return f, err
	}
	f.Data, f.Stored = data, 0
	return f, nil
}

// AsReadStore is a store that can tell whether an operation is still pending as the
// deliverer read it: no redaction has rewritten it (or its stored file) since.
type AsReadStore interface {
	AsRead(ctx context.Context, id int64, scrubs int) (bool, error)
}

// beforeVisible is ctx with the upload's last check (bot.BeforeVisible): the adapter asks
// the store, right before the platform shares the file, whether a redaction has rewritten
// o since it was read; if so the file is not shared and o is read again (deliver).
func (d *Deliverer) beforeVisible(ctx context.Context, o bot.Outbound) context.Context {
	s, ok := d.store.(AsReadStore)
	if !ok {
		return ctx
	}
	return bot.WithBeforeVisible(ctx, func(ctx context.Context) error {
		same, err := s.AsRead(ctx, o.ID, o.Payload.Scrubs)
		if err == nil && !same {
			err = bot.ErrRewritten
		}
		return err
	})
}
