package commands

import (
	"slices"
	"time"

	"github.com/warroom/warroom/alerts/alert"
	"github.com/warroom/warroom/bot"
)

// alertBatch is what the alerts of one transaction share.
type alertBatch struct {
	// groups are the open groups looked up so far, by source, route and key; a group is
	// open for the whole transaction once found (nothing an alert does closes one).
	groups map[alert.GroupKey]*alert.Group
	// read are the groups readGroups found ahead of their alerts, with the group window
	// as it began when they were read (openGroup checks it again at the alert's time).
	read map[alert.GroupKey]*alert.Group
	// moved are the groups whose count, last arrival and status the batch changed in
	// memory, written at the end.
	moved     []*alert.Group
	incidents map[int64]*bot.Incident
	// answered are the answers given to the batch's delivery ids, read at the start and
	// joined by each answer of the batch; remember are those of the batch, stored at the end.
	answered, remember map[alert.Delivery]string
}

// openGroup is the open group of source, route and key (ErrNotFound when there is none).
func (b *alertBatch) openGroup(c *call, source, route, key string, since time.Time) (*alert.Group, error) {
	k := alert.GroupKey{Source: source, Route: route, Key: key}
	if g, ok := b.groups[k]; ok {
		return g, nil
	}
	// A group read ahead is this alert's if it is still open at the alert's own time: it
	// was the newest open one at the earlier since, and at a later since the open ones
	// are fewer, so if it still is, it is still the newest. If its window has ended since,
	// an older group may be the answer: look it up as before.
	if g, ok := b.read[k]; ok {
		delete(b.read, k)
		if g.State == alert.StateIncident || !g.LastAt.Before(since) {
			b.groups[k] = g
			return g, nil
		}
	}
	g, err := c.tx.OpenAlertGroup(source, route, key, since)
	if err != nil {
		return nil, err
	}
	b.groups[k] = g
	return g, nil
}

// arrived counts rec on its group g in memory, as AddAlert would in the database.
func (b *alertBatch) arrived(g *alert.Group, rec *alert.Record) {
	if !slices.Contains(b.moved, g) {
		b.moved = append(b.moved, g)
	}
	g.LastAt, g.Count, g.Status = rec.ReceivedAt, g.Count+1, rec.Alert.Status
	if g.SourceURL == "" {
		g.SourceURL = rec.Alert.SourceURL
	}
}

// incident loads incident n once per batch, for an alert that says something in its
// channel (an alert only appended to it needs its number alone).
func (b *alertBatch) incident(c *call, n int64) (*bot.Incident, error) {
	if inc, ok := b.incidents[n]; ok {
		return inc, nil
	}
	inc, err := c.tx.Incident(n)
	if err != nil {
		return nil, err
	}
	b.incidents[n] = inc
	return inc, nil
}

// readGroups reads, in one look-up, the open groups of the keys of jobs the batch has not
// met yet, for openGroup.
func (b *alertBatch) readGroups(tx Tx, jobs []*alertJob, since time.Time) error {
	var keys []alert.GroupKey
	for _, j := range jobs {
		if !j.r.ok || j.r.route.Action == alert.ActionDrop {
			continue
		}
		k := alert.GroupKey{Source: j.r.a.Source, Route: j.r.routeID, Key: j.r.a.Key}
		if _, ok := b.groups[k]; ok || b.read[k] != nil || slices.Contains(keys, k) {
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil
	}
	groups, err := tx.OpenAlertGroups(keys, since)
	if err != nil {
		return err
	}
	for k, g := range groups {
		if _, ok := b.groups[k]; !ok {
			b.read[k] = g
		}
	}
	return nil
}
