package web

import (
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/report"
)

// Building the incident page's report scans the whole timeline (indicators, facts, TLP
// labels) even when only its new entries are read and checked (verified.go). Every change
// to an incident appends to its timeline and moves its head (seq and hash), so a report
// built for one head is that incident's state until the head moves; it is reused for a
// few seconds, which bounds how stale the durations it measures to "now" can be. Access
// is still decided on every request, and the read-in is read fresh.

const (
	reportCacheTTL = 10 * time.Second
	reportCacheMax = 8
)

type reportKey struct {
	n    int64
	seq  int64
	hash string
	// view is what differs between people who may see the incident: the name they see
	// it under and how its linked incidents are named to them. People who see the same
	// share one report, so a change costs one rebuild, not one per viewer.
	view string
	// gen is the kept timeline's generation (verified.go): a check from scratch since the
	// report was built may have found what the report says verified.
	gen int64
}

// builtReport is a report and what its integrity verdict covers.
type builtReport struct {
	rep   *report.Report
	scope checkScope
}

type cachedReport struct {
	builtReport
	at time.Time
}

type reportCache struct {
	mu    sync.Mutex
	clock clockwork.Clock
	m     map[reportKey]cachedReport
}

func newReportCache(clock clockwork.Clock) *reportCache {
	return &reportCache{clock: clock, m: map[reportKey]cachedReport{}}
}

func (c *reportCache) get(k reportKey) (builtReport, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || c.clock.Since(e.at) >= reportCacheTTL {
		return builtReport{}, false
	}
	return e.builtReport, true
}

func (c *reportCache) put(k reportKey, b builtReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	if len(c.m) >= reportCacheMax {
		for key, e := range c.m {
			if now.Sub(e.at) >= reportCacheTTL || key.n == k.n && key.view == k.view {
				delete(c.m, key)
			}
		}
		for key := range c.m { // still full: drop one
			if len(c.m) < reportCacheMax {
				break
			}
			delete(c.m, key)
		}
	}
	c.m[k] = cachedReport{builtReport: b, at: now}
}

// seenReads remembers, per session, the incidents whose read-in is already recorded, so
// a second view does not write again (the database ignores a repeat anyway).
type seenReads struct {
	mu sync.Mutex
	m  map[int64]map[int64]bool
}

func (s *seenReads) first(session, n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[int64]map[int64]bool{}
	}
	if s.m[session][n] {
		return false
	}
	if len(s.m) > 10000 { // bounded: forgetting only costs one ignored insert
		clear(s.m)
	}
	if s.m[session] == nil {
		s.m[session] = map[int64]bool{}
	}
	return true
}

func (s *seenReads) mark(session, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[session] != nil {
		s.m[session][n] = true
	}
}
