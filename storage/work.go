package storage

import (
	"database/sql"
	"errors"
	"time"

	"github.com/warroom/warroom/bot"
)

// EnterPhase ends the current phase span (if any) and opens one for phase.
func (t *Tx) EnterPhase(n int64, phase bot.Phase, at time.Time, forced bool) error {
	if err := t.LeavePhase(n, at); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO phases (incident, phase, entered_at, forced) VALUES (?, ?, ?, ?)`, n, string(phase), ts(at), forced)
	return err
}

// LeavePhase ends the open phase span (on close).
func (t *Tx) LeavePhase(n int64, at time.Time) error {
	_, err := t.exec(`UPDATE phases SET left_at = ? WHERE incident = ? AND left_at IS NULL`, ts(at), n)
	return err
}

// Phases lists the incident's phase spans in order.
func (t *Tx) Phases(n int64) ([]bot.PhaseSpan, error) {
	rows, err := t.query(`SELECT phase, entered_at, left_at, forced FROM phases WHERE incident = ? ORDER BY id`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.PhaseSpan
	for rows.Next() {
		var s bot.PhaseSpan
		var p, entered string
		var left sql.NullString
		if err := rows.Scan(&p, &entered, &left, &s.Forced); err != nil {
			return nil, err
		}
		s.Phase, s.Entered, s.Left = bot.Phase(p), parseTS(entered), parseNullTS(left)
		out = append(out, s)
	}
	return out, rows.Err()
}

// AddChecklist adds a phase's exit criteria unless the incident already has them (a
// reopened incident keeps its ticks).
func (t *Tx) AddChecklist(n int64, phase bot.Phase, items []string) error {
	for i, text := range items {
		if _, err := t.exec(`INSERT INTO checklist (incident, phase, n, text) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			n, string(phase), i+1, text); err != nil {
			return err
		}
	}
	return nil
}

// Checklist lists a phase's items in order.
func (t *Tx) Checklist(n int64, phase bot.Phase) ([]bot.ChecklistItem, error) {
	rows, err := t.query(`SELECT phase, n, text, checked_by, checked_at FROM checklist WHERE incident = ? AND phase = ? ORDER BY n`, n, string(phase))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.ChecklistItem
	for rows.Next() {
		var c bot.ChecklistItem
		var p string
		var at sql.NullString
		if err := rows.Scan(&p, &c.N, &c.Text, &c.CheckedBy, &at); err != nil {
			return nil, err
		}
		c.Phase, c.CheckedAt = bot.Phase(p), parseNullTS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CheckItem ticks item k of phase; it returns the item as it was before (so a caller can
// tell an already-ticked one). ErrNotFound when there is no such item.
func (t *Tx) CheckItem(n int64, phase bot.Phase, k int, by string, at time.Time) (bot.ChecklistItem, error) {
	items, err := t.Checklist(n, phase)
	if err != nil {
		return bot.ChecklistItem{}, err
	}
	for _, it := range items {
		if it.N == k {
			if it.CheckedAt == nil {
				_, err = t.exec(`UPDATE checklist SET checked_by = ?, checked_at = ? WHERE incident = ? AND phase = ? AND n = ?`,
					by, ts(at), n, string(phase), k)
			}
			return it, err
		}
	}
	return bot.ChecklistItem{}, ErrNotFound
}

// AddTask adds an action item and returns its number within the incident.
func (t *Tx) AddTask(n int64, task bot.Task) (int64, error) {
	var k int64
	if err := t.row(`SELECT COALESCE(MAX(n), 0) + 1 FROM tasks WHERE incident = ?`, n).Scan(&k); err != nil {
		return 0, err
	}
	_, err := t.exec(`INSERT INTO tasks (incident, n, text, owner, due_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		n, k, task.Text, task.Owner, tsPtr(task.Due), task.CreatedBy, ts(task.CreatedAt))
	return k, err
}

// Tasks lists the incident's tasks in order.
func (t *Tx) Tasks(n int64) ([]bot.Task, error) {
	rows, err := t.query(`SELECT n, text, owner, due_at, created_by, created_at, done_by, done_at FROM tasks WHERE incident = ? ORDER BY n`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Task
	for rows.Next() {
		var k bot.Task
		var due, done sql.NullString
		var created string
		if err := rows.Scan(&k.N, &k.Text, &k.Owner, &due, &k.CreatedBy, &created, &k.DoneBy, &done); err != nil {
			return nil, err
		}
		k.Due, k.CreatedAt, k.DoneAt = parseNullTS(due), parseTS(created), parseNullTS(done)
		out = append(out, k)
	}
	return out, rows.Err()
}

// CompleteTask marks task k done; it returns the task as it was (DoneAt set if it already
// was done). ErrNotFound when there is no such task.
func (t *Tx) CompleteTask(n, k int64, by string, at time.Time) (bot.Task, error) {
	tasks, err := t.Tasks(n)
	if err != nil {
		return bot.Task{}, err
	}
	for _, task := range tasks {
		if task.N == k {
			if task.DoneAt == nil {
				_, err = t.exec(`UPDATE tasks SET done_by = ?, done_at = ? WHERE incident = ? AND n = ?`, by, ts(at), n, k)
			}
			return task, err
		}
	}
	return bot.Task{}, ErrNotFound
}

// AddLesson records a lesson.
func (t *Tx) AddLesson(n int64, l bot.Lesson) error {
	_, err := t.exec(`INSERT INTO lessons (incident, kind, text, author, at) VALUES (?, ?, ?, ?, ?)`, n, l.Kind, l.Text, l.Author, ts(l.At))
	return err
}

// Lessons lists the incident's lessons in order.
func (t *Tx) Lessons(n int64) ([]bot.Lesson, error) {
	rows, err := t.query(`SELECT kind, text, author, at FROM lessons WHERE incident = ? ORDER BY id`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bot.Lesson
	for rows.Next() {
		var l bot.Lesson
		var at string
		if err := rows.Scan(&l.Kind, &l.Text, &l.Author, &at); err != nil {
			return nil, err
		}
		l.At = parseTS(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// AddLink relates two incidents (both directions); false if they already were.
func (t *Tx) AddLink(a, b int64) (bool, error) {
	if a == b {
		return false, errors.New("an incident cannot be linked to itself")
	}
	res, err := t.exec(`INSERT INTO links (incident, other) VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING`, a, b, b, a)
	if err != nil {
		return false, err
	}
	c, err := res.RowsAffected()
	return c > 0, err
}

// Links lists the incidents related to n.
func (t *Tx) Links(n int64) ([]int64, error) {
	rows, err := t.query(`SELECT other FROM links WHERE incident = ? ORDER BY other`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
