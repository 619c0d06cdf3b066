package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/report"
	"github.com/warroom/warroom/storage"
)

// seedBigIncident writes one closed incident with n timeline entries.
func seedBigIncident(path string, n int) {
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	inc := &bot.Incident{Title: "Ransomware on the file servers", Severity: 1, Phase: bot.PhaseIdentification, Status: bot.StatusOpen,
		Platform: "console", ChannelName: "inc-1-ransomware", DeclaredBy: "alice", DeclaredAt: t0}
	if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateIncident(inc) }); err != nil {
		fatal(err)
	}
	for done := 0; done < n; {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			for i := 0; i < 10000 && done < n; i, done = i+1, done+1 {
				// A realistic mix: most notes are prose; one in eight carries indicators,
				// drawn from a few hundred hosts and hashes as in a real outbreak.
				text := fmt.Sprintf("checked file server share %d: permissions unchanged, no new files since the snapshot", done)
				if done%8 == 0 {
					text = fmt.Sprintf("host fs-%d encrypted; beacon to 198.51.%d.%d seen, sha256 %064x", done, done%256, done/256%4, done%400)
				}
				if _, err := tx.Append(inc.Number, &bot.Entry{At: t0.Add(time.Duration(done) * time.Second), Actor: "bob", Kind: bot.KindNote, Text: text, Data: []byte("{}")}, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fatal(err)
		}
	}
}

// benchReport measures the report of a 100,000-entry incident: build and render in-process
// (what the targets of issues 7 and 18 are about), and the whole CLI run (load, verify, build, write).
func benchReport(bin, dir string) []figure {
	path := filepath.Join(dir, "report.db")
	seedBigIncident(path, 100000)
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		fatal(err)
	}
	var data report.Data
	err = db.View(ctx, func(tx *storage.Tx) error {
		var err error
		data, err = commands.LoadReport(tx, 1, commands.ReportOptions{Now: time.Now()})
		return err
	})
	db.Close()
	if err != nil {
		fatal(err)
	}
	render := func(f func(r report.Report, w io.Writer) error) (time.Duration, float64) {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		r := report.Build(data)
		if err := f(r, io.Discard); err != nil {
			fatal(err)
		}
		took := time.Since(start)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		return took, float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
	}
	mdTook, mdAlloc := render(func(r report.Report, w io.Writer) error { return r.Markdown(w) })
	htmlTook, htmlAlloc := render(func(r report.Report, w io.Writer) error { return r.HTML(w) })

	cliMD, rssMD, err := runTimed(ctx, bin, "report", "INC-1", "--db", path, "--format", "md", "-o", filepath.Join(dir, "r.md"))
	if err != nil {
		fatal(err)
	}
	cliHTML, rssHTML, err := runTimed(ctx, bin, "report", "INC-1", "--db", path, "--format", "html", "-o", filepath.Join(dir, "r.html"))
	if err != nil {
		fatal(err)
	}
	peak := max(rssMD, rssHTML)
	if min(rssMD, rssHTML) < 0 {
		peak = -1 // one of the two was not measured
	} else {
		peak /= 1024
	}
	return []figure{
		{name: "report_100k_md_build", value: mdTook.Seconds(), unit: "s", target: "< 0.3", ok: check(mdTook.Seconds(), true, 0.3)},
		{name: "report_100k_html_build", value: htmlTook.Seconds(), unit: "s", target: "< 0.6", ok: check(htmlTook.Seconds(), true, 0.6)},
		{name: "report_100k_md_alloc", value: mdAlloc, unit: "MiB"},
		{name: "report_100k_html_alloc", value: htmlAlloc, unit: "MiB"},
		{name: "report_100k_md_cli", value: cliMD.Seconds(), unit: "s"},
		{name: "report_100k_html_cli", value: cliHTML.Seconds(), unit: "s"},
		{name: "report_100k_cli_peak_rss", value: peak, unit: "MiB", target: "< 95.4 (100 MB)", ok: check(peak, true, 100e6/(1<<20))},
	}
}
