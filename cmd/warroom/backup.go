package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage"
)

func (m *Main) backup(ctx context.Context, o *options, pos []string) int {
	if len(pos) != 1 {
		return m.failUsage("backup", errors.New("name one file"))
	}
	if o.listRedacted {
		return m.listRedactions(ctx, o, pos[0])
	}
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	if err := db.Backup(ctx, pos[0]); err != nil {
		return m.fail("%v", err)
	}
	fmt.Fprintf(m.Stdout, "Backed up %s to %s\n", db.Path(), pos[0])
	return exitOK
}

// listRedactions names what a backup still holds that was redacted since on the live
// database: a redaction cannot reach into copies taken before it.
func (m *Main) listRedactions(ctx context.Context, o *options, file string) int {
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	old, err := storage.OpenSnapshot(ctx, file)
	if err != nil {
		return m.fail("backup %s: %v", file, err)
	}
	defer old.Close()
	var found []string
	err = db.View(ctx, func(live *storage.Tx) error {
		incs, err := live.Incidents(true)
		if err != nil {
			return err
		}
		return old.View(ctx, func(bk *storage.Tx) error {
			for _, inc := range incs {
				reasons := map[int64]string{}
				err := live.EachEntry(inc.Number, func(e bot.Entry) error {
					if e.Kind == bot.KindRedaction && !e.Redacted {
						if seq, ok := bot.RedactionTarget(e.Text); ok {
							reasons[seq] = fmt.Sprintf("redacted by %s at %s", e.Actor, bot.FormatTime(e.At))
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
				for seq, why := range reasons {
					was, err := bk.Entry(inc.Number, seq)
					if err == storage.ErrNotFound {
						continue
					}
					if err != nil {
						return err
					}
					if !was.Redacted {
						found = append(found, fmt.Sprintf("%s entry %d (%s by %s, %s): %s", inc.ID(), seq, was.Kind, was.Actor, bot.FormatTime(was.At), why))
					}
				}
			}
			return nil
		})
	})
	if err != nil {
		return m.fail("%v", err)
	}
	if len(found) == 0 {
		fmt.Fprintf(m.Stdout, "%s holds no text that was redacted since.\n", file)
		return exitOK
	}
	slices.Sort(found)
	fmt.Fprintf(m.Stdout, "%s still holds the text of %d entries redacted since (delete or re-take the backup):\n", file, len(found))
	for _, f := range found {
		fmt.Fprintln(m.Stdout, "  "+f)
	}
	return exitOK
}
