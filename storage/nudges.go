package storage

import (
	"database/sql"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
)

// The nudges feature's state (issue 5): reminder settings and anchors, regulatory clocks
// and the lessons-learned review. Zero times are stored as NULL.

func tsOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func tsOrZero(s sql.NullString) time.Time {
	if p := parseNullTS(s); p != nil {
		return *p
	}
	return time.Time{}
}

// NudgeState loads incident n's reminder state; an incident without one (declared before
// nudges existed) gets the zero state, not an error.
func (t *Tx) NudgeState(n int64) (bot.NudgeState, error) {
	s := bot.NudgeState{Incident: n}
	var snoozed, update, entered, cmdr, status, dwell, tasks sql.NullString
	err := t.row(`SELECT muted, muted_by, snoozed_until, last_update, phase_entered, commander_reminded, status_reminded,
		dwell_reminded, tasks_reminded FROM nudge_state WHERE incident = ?`, n).
		Scan(&s.Muted, &s.MutedBy, &snoozed, &update, &entered, &cmdr, &status, &dwell, &tasks)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	s.SnoozedUntil, s.LastUpdate, s.PhaseEntered = tsOrZero(snoozed), tsOrZero(update), tsOrZero(entered)
	s.CommanderReminded, s.StatusReminded, s.DwellReminded, s.TasksReminded = tsOrZero(cmdr), tsOrZero(status), tsOrZero(dwell), tsOrZero(tasks)
	return s, err
}

// SaveNudgeState writes an incident's reminder state.
func (t *Tx) SaveNudgeState(s bot.NudgeState) error {
	_, err := t.exec(`INSERT INTO nudge_state (incident, muted, muted_by, snoozed_until, last_update, phase_entered,
		commander_reminded, status_reminded, dwell_reminded, tasks_reminded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident) DO UPDATE SET muted = excluded.muted, muted_by = excluded.muted_by,
		snoozed_until = excluded.snoozed_until, last_update = excluded.last_update, phase_entered = excluded.phase_entered,
		commander_reminded = excluded.commander_reminded, status_reminded = excluded.status_reminded,
		dwell_reminded = excluded.dwell_reminded, tasks_reminded = excluded.tasks_reminded`,
		s.Incident, s.Muted, s.MutedBy, tsOrNull(s.SnoozedUntil), tsOrNull(s.LastUpdate), tsOrNull(s.PhaseEntered),
		tsOrNull(s.CommanderReminded), tsOrNull(s.StatusReminded), tsOrNull(s.DwellReminded), tsOrNull(s.TasksReminded))
	return err
}

// SetClock creates or replaces an incident's clock of that name.
func (t *Tx) SetClock(c bot.Clock) error {
	_, err := t.exec(`INSERT INTO clocks (incident, name, label, started_at, deadline_at, set_by, set_at, reminded, done_at, done_by, done_note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident, name) DO UPDATE SET label = excluded.label, started_at = excluded.started_at,
		deadline_at = excluded.deadline_at, set_by = excluded.set_by, set_at = excluded.set_at, reminded = excluded.reminded,
		done_at = excluded.done_at, done_by = excluded.done_by, done_note = excluded.done_note`,
		c.Incident, c.Name, c.Label, ts(c.Start), ts(c.Deadline), c.SetBy, ts(c.SetAt), c.Reminded, tsPtr(c.DoneAt), c.DoneBy, c.DoneNote)
	return err
}

// Clocks lists an incident's regulatory clocks, soonest deadline first.
func (t *Tx) Clocks(n int64) ([]bot.Clock, error) {
	rows, err := t.query(`SELECT incident, name, label, started_at, deadline_at, set_by, set_at, reminded, done_at, done_by, done_note
		FROM clocks WHERE incident = ? ORDER BY deadline_at, name`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Clock
	for rows.Next() {
		var c bot.Clock
		var start, deadline, set string
		var done sql.NullString
		if err := rows.Scan(&c.Incident, &c.Name, &c.Label, &start, &deadline, &c.SetBy, &set, &c.Reminded, &done, &c.DoneBy, &c.DoneNote); err != nil {
			return nil, err
		}
		c.Start, c.Deadline, c.SetAt, c.DoneAt = parseTS(start), parseTS(deadline), parseTS(set), parseNullTS(done)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Review loads an incident's lessons-learned review; ErrNotFound when there is none yet.
func (t *Tx) Review(n int64) (bot.Review, error) {
	r := bot.Review{Incident: n}
	var opened, due, meeting, scheduled, reminded, held sql.NullString
	err := t.row(`SELECT opened_at, due_at, meeting_at, scheduled_by, scheduled_at, reminded_at, held_at, held_by
		FROM reviews WHERE incident = ?`, n).Scan(&opened, &due, &meeting, &r.ScheduledBy, &scheduled, &reminded, &held, &r.HeldBy)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	r.Opened, r.Due, r.MeetingAt = tsOrZero(opened), tsOrZero(due), parseNullTS(meeting)
	r.ScheduledAt, r.RemindedAt, r.HeldAt = tsOrZero(scheduled), tsOrZero(reminded), parseNullTS(held)
	return r, err
}

// SaveReview writes an incident's lessons-learned review.
func (t *Tx) SaveReview(r bot.Review) error {
	_, err := t.exec(`INSERT INTO reviews (incident, opened_at, due_at, meeting_at, scheduled_by, scheduled_at, reminded_at, held_at, held_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident) DO UPDATE SET opened_at = excluded.opened_at, due_at = excluded.due_at,
		meeting_at = excluded.meeting_at, scheduled_by = excluded.scheduled_by, scheduled_at = excluded.scheduled_at,
		reminded_at = excluded.reminded_at, held_at = excluded.held_at, held_by = excluded.held_by`,
		r.Incident, tsOrNull(r.Opened), tsOrNull(r.Due), tsPtr(r.MeetingAt), r.ScheduledBy, tsOrNull(r.ScheduledAt),
		tsOrNull(r.RemindedAt), tsPtr(r.HeldAt), r.HeldBy)
	return err
}
