// Package metrics is a small Prometheus text-format registry: counters and histograms with
// labels, and gauges read at scrape time. warroom needs a dozen series; this avoids pulling
// the full client library into a single-binary bot.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Registry holds every series and writes them in the Prometheus text exposition format.
type Registry struct {
	mu      sync.Mutex
	entries []entry
}

type entry interface {
	write(w io.Writer) error
}

// New returns an empty registry.
func New() *Registry { return &Registry{} }

func (r *Registry) add(e entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, e)
}

// WriteText writes every series.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	entries := append([]entry(nil), r.entries...)
	r.mu.Unlock()
	for _, e := range entries {
		if err := e.write(w); err != nil {
			return err
		}
	}
	return nil
}

func labelString(names, values []string) string {
	if len(names) == 0 {
		return ""
	}
	parts := make([]string, len(names))
	for i, n := range names {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		parts[i] = n + `="` + escape(v) + `"`
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func header(w io.Writer, name, help, kind string) error {
	_, err := fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	return err
}

// CounterVec is a counter with labels.
type CounterVec struct {
	name, help string
	labels     []string
	mu         sync.Mutex
	values     map[string]float64
	keys       map[string][]string
}

// Counter registers a counter with the given label names.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{name: name, help: help, labels: labels, values: map[string]float64{}, keys: map[string][]string{}}
	r.add(c)
	return c
}

// Add adds v to the series with these label values.
func (c *CounterVec) Add(v float64, labelValues ...string) {
	k := strings.Join(labelValues, "\x00")
	c.mu.Lock()
	c.values[k] += v
	c.keys[k] = labelValues
	c.mu.Unlock()
}

// Inc adds one.
func (c *CounterVec) Inc(labelValues ...string) { c.Add(1, labelValues...) }

// Value reads a series (for tests).
func (c *CounterVec) Value(labelValues ...string) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[strings.Join(labelValues, "\x00")]
}

func (c *CounterVec) write(w io.Writer) error {
	if err := header(w, c.name, c.help, "counter"); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 && len(c.labels) == 0 {
		_, err := fmt.Fprintf(w, "%s 0\n", c.name)
		return err
	}
	for _, k := range keys {
		if _, err := fmt.Fprintf(w, "%s%s %s\n", c.name, labelString(c.labels, c.keys[k]), num(c.values[k])); err != nil {
			return err
		}
	}
	return nil
}

func num(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// GaugeFunc is a gauge read when scraped.
type GaugeFunc struct {
	name, help string
	fn         func() float64
}

// Gauge registers a gauge whose value fn gives at scrape time.
func (r *Registry) Gauge(name, help string, fn func() float64) {
	r.add(&GaugeFunc{name: name, help: help, fn: fn})
}

func (g *GaugeFunc) write(w io.Writer) error {
	if err := header(w, g.name, g.help, "gauge"); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%s %s\n", g.name, num(g.fn()))
	return err
}

// Histogram is a histogram without labels.
type Histogram struct {
	name, help string
	bounds     []float64
	mu         sync.Mutex
	counts     []uint64
	sum        float64
	total      uint64
}

// Histogram registers a histogram with the given upper bounds (ascending).
func (r *Registry) Histogram(name, help string, bounds ...float64) *Histogram {
	h := &Histogram{name: name, help: help, bounds: bounds, counts: make([]uint64, len(bounds))}
	r.add(h)
	return h
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, b := range h.bounds {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.total++
}

func (h *Histogram) write(w io.Writer) error {
	if err := header(w, h.name, h.help, "histogram"); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, b := range h.bounds {
		if _, err := fmt.Fprintf(w, "%s_bucket{le=\"%s\"} %d\n", h.name, num(b), h.counts[i]); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", h.name, h.total, h.name, num(h.sum), h.name, h.total)
	return err
}
