package main

import (
	"context"

	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/storage"
)

// storeAdapter lets the commands package use storage without importing it.
type storeAdapter struct{ db *storage.DB }

func (s storeAdapter) Update(ctx context.Context, fn func(commands.Tx) error) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
}
