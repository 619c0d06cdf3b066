package web

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
)

// statsView is /stats: the `warroom stats` figures over the incidents the person may
// see, with charts drawn on the server as inline SVG.
type statsView struct {
	S      report.Stats
	Since  string
	Charts []statsChart
}

type statsChart struct {
	Title, Note string
	SVG         template.HTML
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, sess *session) {
	sinceText := r.URL.Query().Get("since")
	var since time.Time
	if sinceText != "" {
		t, err := time.ParseInLocation("2006-01-02", sinceText, s.o.Config.Location)
		if err != nil {
			s.refuse(w, r, http.StatusBadRequest, "since must be a date like 2026-01-31.")
			return
		}
		since = t.UTC()
	}
	in := report.StatsInput{Since: since, Severities: s.o.Config.Severities}
	err := s.o.Store.View(r.Context(), func(rd Reader) error {
		all, err := rd.Incidents(true)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for i := range all {
			inc := &all[i]
			see, err := commands.MaySee(rd, s.o.Config, sess.Person, inc.Number)
			if err != nil {
				return err
			}
			if !see || inc.DeclaredAt.Before(since) {
				continue
			}
			seen[inc.Number] = true
			phases, err := rd.Phases(inc.Number)
			if err != nil {
				return err
			}
			in.Incidents = append(in.Incidents, report.StatsIncident{Incident: *inc, Phases: phases})
		}
		pages, err := rd.PagesSince(since)
		if err != nil {
			return err
		}
		for _, p := range commands.ReportPages(pages) {
			if seen[p.Incident] {
				in.Pages = append(in.Pages, p)
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := report.ComputeStats(in)
	v := statsView{S: st, Since: sinceText, Charts: statsCharts(&st)}
	s.render(w, r, http.StatusOK, "stats", "Statistics", sess, &v)
}

func statsCharts(st *report.Stats) []statsChart {
	dist := func(label string, d report.Distribution, none string) report.Bar {
		if d.MedianSeconds == nil {
			return report.Bar{Label: label, MissingText: none}
		}
		return report.Bar{Label: label, Value: float64(*d.MedianSeconds), Text: "median " + report.Duration(*d.MedianSeconds),
			Behind: float64(*d.P90Seconds), BehindText: "p90 " + report.Duration(*d.P90Seconds)}
	}
	var phases []report.Bar
	for _, p := range st.Phases {
		phases = append(phases, dist(p.Phase, p.Distribution, "no incident has completed it"))
	}
	counts := func(list []report.NameCount) []report.Bar {
		var bars []report.Bar
		for _, c := range list {
			bars = append(bars, report.Bar{Label: c.Name, Value: float64(c.Count), Text: strconv.Itoa(c.Count)})
		}
		return bars
	}
	ack := st.TimeToAcknowledge
	charts := []statsChart{
		{Title: "Time in phase", Note: "median, with the 90th percentile behind it, over the incidents that completed the phase", SVG: report.BarChart("Time in phase", phases)},
		{Title: "Time to containment", Note: strconv.Itoa(st.TimeToContainment.Count) + " incidents", SVG: report.BarChart("Time to containment", []report.Bar{dist("containment", st.TimeToContainment, "no incident contained yet")})},
		{Title: "Time to acknowledge a page", Note: strconv.Itoa(ack.Count) + " of " + strconv.Itoa(ack.Pages) + " pages acknowledged", SVG: report.BarChart("Time to acknowledge", []report.Bar{dist("acknowledge", ack.Distribution, "no page acknowledged")})},
	}
	if len(st.ByType) > 0 {
		charts = append(charts, statsChart{Title: "Incidents by type", SVG: report.BarChart("Incidents by type", counts(st.ByType))})
	}
	if len(st.ByMonth) > 0 {
		charts = append(charts, statsChart{Title: "Incidents by month", Note: "month declared, UTC", SVG: report.BarChart("Incidents by month", counts(st.ByMonth))})
	}
	return charts
}
