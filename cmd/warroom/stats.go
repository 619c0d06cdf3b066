package main

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
	"github.com/warroom/warroom/storage"
)

// stats writes the cross-incident metrics, drills excluded.
func (m *Main) stats(ctx context.Context, o *options, pos []string) int {
	if len(pos) != 0 {
		return m.failUsage("stats", fmt.Errorf("unexpected argument %q", pos[0]))
	}
	cfg, _, err := m.loadConfig(o)
	if err != nil {
		return m.fail("%v", err)
	}
	since, err := parseSince(o.since, cfg.Location)
	if err != nil {
		return m.fail("%v", err)
	}
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	in := report.StatsInput{Since: since, Severities: cfg.Severities}
	err = db.View(ctx, func(tx *storage.Tx) error {
		all, err := tx.Incidents(true)
		if err != nil {
			return err
		}
		firstAlert, err := tx.AlertFirstSeen()
		if err != nil {
			return err
		}
		drills := map[int64]bool{}
		for _, inc := range all {
			drills[inc.Number] = inc.Drill
			if inc.DeclaredAt.Before(since) {
				continue
			}
			phases, err := tx.Phases(inc.Number)
			if err != nil {
				return err
			}
			si := report.StatsIncident{Incident: inc, Phases: phases}
			if t, ok := firstAlert[inc.Number]; ok {
				si.FirstAlert = &t
			}
			in.Incidents = append(in.Incidents, si)
		}
		pages, err := tx.PagesSince(since)
		if err != nil {
			return err
		}
		// A drill declared before --since may still have paged after it.
		for _, p := range commands.ReportPages(pages) {
			if !drills[p.Incident] {
				in.Pages = append(in.Pages, p)
			}
		}
		return nil
	})
	if err != nil {
		return m.fail("%v", err)
	}
	s := report.ComputeStats(in)
	if o.json {
		err = s.JSON(m.Stdout)
	} else {
		err = s.Text(m.Stdout)
	}
	if err != nil {
		return m.fail("%v", err)
	}
	return exitOK
}

// parseSince reads --since: a date (midnight in the configured time zone) or an RFC 3339
// time; empty means everything.
func parseSince(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("--since %q is not a date (2026-01-31) or an RFC 3339 time (2026-01-31T09:00:00Z)", s)
}
