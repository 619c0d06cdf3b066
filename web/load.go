package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
)

// errHidden is how an incident the person may not see is treated: as one that does not
// exist.
var errHidden = bot.ErrNotFound

// incidentNumber reads the {id} of the path: "INC-7" (or "7").
func incidentNumber(r *http.Request) (int64, bool) {
	n, err := bot.ParseID(r.PathValue("id"))
	return n, err == nil && n > 0
}

// visible loads incident n for person, and the name they may see it under (its title, or
// its codename); errHidden when they may not see it (or it does not exist).
func (s *Server) visible(rd Reader, n int64, person string) (*bot.Incident, string, error) {
	see, err := commands.MaySee(rd, s.o.Config, person, n)
	if err != nil {
		return nil, "", err
	}
	if !see {
		return nil, "", errHidden
	}
	inc, err := rd.Incident(n)
	if err != nil {
		return nil, "", err
	}
	shown, err := commands.TitleFor(rd, s.o.Config, person, inc)
	return inc, shown, err
}

// scrubber hides a withheld title (codename naming, a lead who is not a member) wherever
// the timeline repeats it; otherwise it changes nothing. Where a text repeats the title
// exactly, the codename replaces it. A text that still holds the title another way is
// withheld whole: an alert's summary becomes the title folded to one line and cut to
// MaxTitleLen runes, while the alert's entry keeps the whole summary, so the exact title
// is not in it (and the cut part is the rest of the title).
func scrubber(inc *bot.Incident, shown string) func(string) string {
	if shown == inc.Title || strings.TrimSpace(inc.Title) == "" {
		return func(s string) string { return s }
	}
	title := inc.Title
	core := foldSpace(strings.TrimSuffix(title, "…"))
	return func(s string) string {
		s = strings.ReplaceAll(s, title, shown)
		if core != "" && strings.Contains(foldSpace(s), core) {
			return withheldText
		}
		return s
	}
}

// withheldText stands for a text that names a withheld title.
const withheldText = "(withheld: the text names the incident's title)"

// foldSpace makes every run of white space one space, as a title is folded.
func foldSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// loadReport reads incident inc's report data as person may see it: a withheld title
// replaced by the codename, and linked incidents' titles shown only as the person may see
// them. tl (nil: none) is the timeline kept between loads (verified.go).
func (s *Server) loadReport(rd Reader, inc *bot.Incident, shown, person string, now time.Time, tl *commands.ReportTimeline) (report.Data, error) {
	d, err := commands.LoadReport(rd, inc.Number, commands.ReportOptions{Config: s.o.Config, Templates: s.o.Templates,
		Generator: s.o.Generator, Now: now, Timeline: tl})
	if err != nil {
		return d, err
	}
	if shown != inc.Title {
		scrub := scrubber(inc, shown)
		d.Incident.Title = shown
		d.Entries = slices.Clone(d.Entries) // the kept timeline holds them as they are
		for i := range d.Entries {
			d.Entries[i].Text = scrub(d.Entries[i].Text)
		}
		d.Incident.Resolution = scrub(d.Incident.Resolution)
		// An alert group's summary is the title of the incident it declared.
		for i := range d.Alerts {
			d.Alerts[i].Summary = scrub(d.Alerts[i].Summary)
			d.Alerts[i].Key = scrub(d.Alerts[i].Key)
		}
	}
	for i := range d.Related {
		rel := &d.Related[i]
		_, title, err := s.visible(rd, rel.Number, person)
		switch {
		case errors.Is(err, bot.ErrNotFound):
			rel.Title = "(not visible to you)"
		case err != nil:
			return d, err
		default:
			rel.Title = title
		}
	}
	return d, nil
}

// viewKey names what person's view of incident n depends on beyond the incident itself:
// the name they see it under and what they see of each linked incident.
func (s *Server) viewKey(rd Reader, shown string, n int64, person string) (string, error) {
	links, err := rd.Links(n)
	if err != nil {
		return "", err
	}
	key := shown
	for _, other := range links {
		_, title, err := s.visible(rd, other, person)
		switch {
		case errors.Is(err, bot.ErrNotFound):
			title = "\x00hidden"
		case err != nil:
			return "", err
		}
		key += "\x00" + strconv.FormatInt(other, 10) + "=" + title
	}
	return key, nil
}

// readDone finishes a handler's read of incident n: an incident the person may not see (or
// that does not exist) is a 404, a read that worked is recorded as a read-in, and any other
// error is answered. It reports whether the handler goes on to answer.
func (s *Server) readDone(w http.ResponseWriter, r *http.Request, sess *session, n int64, err error) bool {
	if errors.Is(err, bot.ErrNotFound) {
		s.notFound(w, r)
		return false
	}
	if err == nil {
		err = s.readIn(r.Context(), sess, n)
	}
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

// readIn records the session's first view of incident n (the access log the report
// lists). A view that cannot be recorded is not served.
func (s *Server) readIn(ctx context.Context, sess *session, n int64) error {
	if !s.reads.first(sess.ID, n) {
		return nil
	}
	if err := s.o.Store.RecordReadIn(ctx, sess.ID, n, sess.Person, s.o.Clock.Now().UTC()); err != nil {
		return err
	}
	s.reads.mark(sess.ID, n)
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
