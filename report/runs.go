package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// The "Response actions" table: one row per run of a response action, folded from the
// run's timeline entries (so an audience's edition holds only the runs whose request it
// keeps, and a redacted request shows its parameters as [redacted]). Parameters are user
// text: secrets in them are masked like any other chat text.

// run is one response action run as the report shows it.
type run struct {
	N                   int64
	Action, Params      string
	Requester           string
	Approvers           []string
	State, Why, Decider string
	Status              int
	Requested           time.Time
	Approved, Ended     *time.Time
	UndoOf, UndoneBy    int64
}

type viewRun struct {
	N                                                  int64
	Action, Params, Requester, Approvers, Status, Undo string
	Requested, Approved, Ended                         string
}

// runFold folds the action entries into runs, one entry at a time.
type runFold struct{ byN map[int64]*run }

func (f *runFold) add(e *bot.Entry) {
	if e.Kind != bot.KindAction {
		return
	}
	d, err := bot.DecodeData(e.Data)
	if err != nil {
		return
	}
	k := d.Int("run")
	if d.Str("event") == "request" {
		params, _ := bot.RunParamsOfEntry(*e, d)
		f.byN[k] = &run{N: k, Action: d.Str("name"), Params: mask(paramsText(params)), Requester: e.Actor,
			State: d.Str("state"), Requested: e.At, UndoOf: d.Int("undo_of")}
		return
	}
	r := f.byN[k]
	if r == nil {
		return // its request is not in this edition
	}
	at := e.At
	if st := d.Str("state"); st != "" {
		r.State = st
	}
	switch d.Str("event") {
	case "approve":
		r.Approvers = d.Strs("approvers")
		if r.State != bot.RunPending {
			r.Approved = &at
		}
	case "deny":
		r.Decider, r.Ended = e.Actor, &at
	case "expire":
		r.Why, r.Ended = d.Str("why"), &at
	case "result", "fail":
		r.Status, r.Ended = int(d.Int("status")), &at
	case "drill":
		r.Ended = &at
	}
}

// done lists the runs in run order.
func (f *runFold) done() []run {
	out := make([]run, 0, len(f.byN))
	for _, r := range f.byN {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	for i := range out {
		for j := range out {
			if out[j].UndoOf == out[i].N {
				out[i].UndoneBy = out[j].N
			}
		}
	}
	return out
}

func paramsText(p map[string]string) string {
	var parts []string
	for _, k := range bot.ParamNames(p) {
		parts = append(parts, k+"="+p[k])
	}
	return strings.Join(parts, " ")
}

// status is a run's outcome in words.
func (r run) status() string {
	switch r.State {
	case bot.RunDone:
		return fmt.Sprintf("done (HTTP %d)", r.Status)
	case bot.RunFailed:
		if r.Status != 0 {
			return fmt.Sprintf("failed (HTTP %d)", r.Status)
		}
		return "failed"
	case bot.RunDenied:
		return "denied by " + r.Decider
	case bot.RunExpired:
		if r.Why == "closed" {
			return "expired unapproved at close"
		}
		return "expired unapproved"
	case bot.RunDrill:
		return "drill: not sent"
	}
	return r.State
}

func (r run) undo() string {
	var parts []string
	if r.UndoOf != 0 {
		parts = append(parts, fmt.Sprintf("undoes run %d", r.UndoOf))
	}
	if r.UndoneBy != 0 {
		parts = append(parts, fmt.Sprintf("undone by run %d", r.UndoneBy))
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, "; ")
}

func (r *Report) viewRuns(f textFormat) []viewRun {
	out := make([]viewRun, 0, len(r.runs))
	for _, x := range r.runs {
		approvers := strings.Join(x.Approvers, ", ")
		if approvers == "" {
			approvers = "–"
		}
		params := x.Params
		if params == "" {
			params = "–"
		}
		out = append(out, viewRun{N: x.N, Action: f.text(x.Action), Params: f.code(params), Requester: f.text(x.Requester),
			Approvers: f.text(approvers), Status: f.text(x.status()), Undo: x.undo(),
			Requested: r.when(x.Requested), Approved: r.whenOrDash(x.Approved), Ended: r.whenOrDash(x.Ended)})
	}
	return out
}

func (r *Report) whenOrDash(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return r.when(*t)
}
