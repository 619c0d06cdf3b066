package web

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// listRow is one incident on the list page.
type listRow struct {
	ID, Title, Severity, Phase, Status, Commander, Age string
	Sev                                                int
	Drill, Open, Acting                                bool
	Declared                                           time.Time
}

// listPage shows the incidents the person may see: open ones first, then by severity.
func (s *Server) listPage(w http.ResponseWriter, r *http.Request, sess *session) {
	now := s.o.Clock.Now().UTC()
	var rows []listRow
	err := s.o.Store.View(r.Context(), func(rd Reader) error {
		all, err := rd.Incidents(true)
		if err != nil {
			return err
		}
		for i := range all {
			inc := &all[i]
			see, err := commands.MaySee(rd, s.o.Config, sess.Person, inc.Number)
			if err != nil {
				return err
			}
			if !see {
				continue
			}
			shown, err := commands.TitleFor(rd, s.o.Config, sess.Person, inc)
			if err != nil {
				return err
			}
			row, err := s.listRow(rd, inc, shown, now)
			if err != nil {
				return err
			}
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.SortStableFunc(rows, func(a, b listRow) int {
		if a.Open != b.Open {
			if a.Open {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Sev, b.Sev), b.Declared.Compare(a.Declared))
	})
	s.render(w, r, http.StatusOK, "list", "Incidents", sess, rows)
}

func (s *Server) listRow(rd Reader, inc *bot.Incident, shown string, now time.Time) (listRow, error) {
	roles, err := rd.CurrentRoles(inc.Number)
	if err != nil {
		return listRow{}, err
	}
	cmdr, acting := roles["commander"], false
	if cmdr == "" {
		cmdr, acting = inc.DeclaredBy, true
	}
	end := now
	if inc.ClosedAt != nil {
		end = *inc.ClosedAt
	}
	phase := string(inc.Phase)
	if !inc.Open() {
		phase = "closed"
		if inc.CloseClass != "" {
			phase += " (" + inc.CloseClass + ")"
		}
	}
	return listRow{ID: inc.ID(), Title: shown, Sev: inc.Severity, Severity: s.o.Config.SeverityName(inc.Severity),
		Phase: phase, Status: inc.Status, Commander: cmdr, Acting: acting, Age: ageText(end.Sub(inc.DeclaredAt)),
		Drill: inc.Drill, Open: inc.Open(), Declared: inc.DeclaredAt}, nil
}

// ageText is a duration for people: "3 d 4 h", "2 h 5 min", "40 min".
func ageText(d time.Duration) string {
	d = max(d, 0).Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return itoa(days) + " d " + itoa(hours) + " h"
	case hours > 0:
		return itoa(hours) + " h " + itoa(mins) + " min"
	}
	return itoa(mins) + " min"
}
