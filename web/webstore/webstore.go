// Package webstore adapts storage to the web view (the web package reads through its own
// interfaces and imports no SQL).
package webstore

import (
	"context"
	"time"

	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/web"
)

// Store is storage.DB as the web view's Store.
type Store struct{ db *storage.DB }

// New adapts db.
func New(db *storage.DB) Store { return Store{db} }

func (s Store) View(ctx context.Context, fn func(web.Reader) error) error {
	return s.db.View(ctx, func(tx *storage.Tx) error { return fn(tx) })
}

func (s Store) RedeemLink(ctx context.Context, hash string, now time.Time) (person string, err error) {
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		person, err = tx.RedeemWebToken(hash, now)
		return err
	})
	return person, err
}

func (s Store) StartSession(ctx context.Context, hash, person string, now, expires time.Time) (id int64, err error) {
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		id, err = tx.CreateWebSession(hash, person, now, expires)
		return err
	})
	return id, err
}

func (s Store) EndSession(ctx context.Context, hash string, now time.Time) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error { return tx.RevokeWebSession(hash, now) })
}

func (s Store) RecordReadIn(ctx context.Context, session, n int64, person string, at time.Time) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.RecordReadIn(session, n, person, at)
		return err
	})
}
