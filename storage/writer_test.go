package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Concurrent commands share commits, yet each stays all-or-nothing: the failing ones leave
// no trace and the others are all there.
func TestGroupCommitKeepsEachCommandAtomic(t *testing.T) {
	db := openTest(t)
	inc := newIncident(t, db)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = db.Update(ctx, func(tx *Tx) error {
				if _, err := tx.Append(inc.Number, &bot.Entry{At: t0.Add(time.Duration(i) * time.Second), Actor: "bob", Kind: bot.KindLesson,
					Text: fmt.Sprintf("good: lesson %d", i), Data: []byte(`{"lesson":"good"}`)}, ""); err != nil {
					return err
				}
				if err := tx.AddLesson(inc.Number, bot.Lesson{Kind: "good", Text: fmt.Sprintf("lesson %d", i), Author: "bob", At: t0}); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errors.New("refused")
				case 7:
					panic("boom")
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	var ok int
	for i, err := range errs {
		switch i % 10 {
		case 3, 7:
			if err == nil {
				t.Fatalf("command %d should have failed", i)
			}
		default:
			if err != nil {
				t.Fatalf("command %d: %v", i, err)
			}
			ok++
		}
	}
	var entries []bot.Entry
	var lessons []bot.Lesson
	db.View(ctx, func(tx *Tx) error {
		entries, _ = tx.Entries(inc.Number)
		lessons, _ = tx.Lessons(inc.Number)
		return nil
	})
	if len(entries) != ok+1 || len(lessons) != ok {
		t.Fatalf("%d entries and %d lessons for %d successful commands", len(entries), len(lessons), ok)
	}
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Text, "note %d", &n); err == nil && (n%10 == 3 || n%10 == 7) {
			t.Fatalf("failed command %d left an entry", n)
		}
	}
	if v, _ := db.Verify(ctx, inc.Number); !v.OK {
		t.Fatalf("chain broken by group commit: %+v", v)
	}
}

func TestUpdateAfterCloseFails(t *testing.T) {
	db, err := Open(context.Background(), testDBAt(t, t.TempDir()+"/w.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := db.Update(context.Background(), func(*Tx) error { return nil }); err == nil {
		t.Fatal("update on a closed database succeeded")
	}
}
