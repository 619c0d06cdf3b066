package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/report"
	"github.com/warroom/warroom/commands"
)

// errHidden is how an incident the person may not see is treated: as one that does not
// exist.
var errHidden = bot.ErrNotFound

// incidentNumber reads the {id} of the path: "INC-7" (or "7").
func incidentNumber(r *http.Request) (int64, bool) {
	n, err := bot.ParseID(r.PathValue("id"))
	return n, err == nil && n > 0
}

// visible loads incident n for person and what they may see of it; errHidden when they
// may see nothing (or it does not exist).
func (s *Server) visible(rd Reader, n int64, person string) (*bot.Incident, commands.Sight, error) {
	inc, err := rd.Incident(n)
	if err != nil {
		return nil, commands.Sight{}, err
	}
	sight, err := commands.MaySee(rd, s.o.Config, person, inc)
	if err != nil {
		return nil, sight, err
	}
	if !sight.See {
		return nil, sight, errHidden
	}
	return inc, sight, nil
}

// scrubber hides a withheld title (codename naming, a lead who is not a member) wherever
// the timeline repeats it; otherwise it changes nothing.
func scrubber(inc *bot.Incident, sight commands.Sight) func(string) string {
	if sight.Title || strings.TrimSpace(inc.Title) == "" {
		return func(s string) string { return s }
	}
	title, code := inc.Title, sight.ShownTitle(inc)
	return func(s string) string { return strings.ReplaceAll(s, title, code) }
}

// loadReport reads incident inc's report data as person may see it: a withheld title
// replaced by the codename, and linked incidents' titles shown only as the person may see
// them.
func (s *Server) loadReport(rd Reader, inc *bot.Incident, sight commands.Sight, person string, now time.Time) (report.Data, error) {
	d, err := commands.LoadReport(rd, inc.Number, commands.ReportOptions{Config: s.o.Config, Templates: s.o.Templates,
		Generator: s.o.Generator, Now: now})
	if err != nil {
		return d, err
	}
	if !sight.Title {
		scrub := scrubber(inc, sight)
		d.Incident.Title = sight.ShownTitle(inc)
		for i := range d.Entries {
			d.Entries[i].Text = scrub(d.Entries[i].Text)
		}
		d.Incident.Resolution = scrub(d.Incident.Resolution)
	}
	for i := range d.Related {
		rel := &d.Related[i]
		other, err := rd.Incident(rel.Number)
		if errors.Is(err, bot.ErrNotFound) {
			continue
		}
		if err != nil {
			return d, err
		}
		rs, err := commands.MaySee(rd, s.o.Config, person, other)
		if err != nil {
			return d, err
		}
		switch {
		case !rs.See:
			rel.Title = "(not visible to you)"
		case !rs.Title:
			rel.Title = other.ChannelName
		}
	}
	return d, nil
}

// readIn records the session's first view of incident n (the access log the report
// lists). A view that cannot be recorded is not served.
func (s *Server) readIn(ctx context.Context, sess *session, n int64) error {
	return s.o.Store.RecordReadIn(ctx, sess.ID, n, sess.Person, s.o.Clock.Now().UTC())
}

func itoa(n int) string { return strconv.Itoa(n) }
