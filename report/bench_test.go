package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// bigData is an incident with n timeline entries in a realistic mix: mostly notes (one in
// eight carrying indicators, hosts and hashes varying so the IOC list grows to hundreds),
// status updates, pinned messages with permalinks (one in fifty holding a token), tasks,
// ticks, pages and role changes, some multi-line, some hostile — every code path of the
// chronology, none of them free.
func bigData(n int) Data {
	d := seededData()
	b := &timelineBuilder{id: "INC-7"}
	b.add(0, "alice", bot.KindDeclared, "alice declared: Phishing wave against finance (sev3 (medium))")
	people := []string{"alice", "bob", "carol", "dave", "erin", "frank"}
	for i := 2; i <= n; i++ {
		t := time.Duration(i) * 3 * time.Second
		who := people[i%len(people)]
		switch r := i % 100; {
		case r < 60 && i%8 == 0:
			b.add(t, who, bot.KindNote, fmt.Sprintf("beacon from host ws-%d to 198.51.%d.%d and c2-%d.evil.example; dropper md5 %032x seen again", i, i%256, (i/256)%256, i%400, i%5000))
		case r < 60 && i%13 == 0:
			b.add(t, who, bot.KindNote, fmt.Sprintf("line one of a longer note %d\nline two with a | pipe and *stars* and <b>tags</b>\n@here please look", i))
		case r < 60:
			b.add(t, who, bot.KindNote, fmt.Sprintf("checked mailbox %d of the finance team: no forwarding rule, nothing unusual in the sign-in log", i))
		case r < 70:
			b.add(t, who, bot.KindUpdate, fmt.Sprintf("Status %d: containment holding, %d hosts isolated, next update in 30 minutes", i, i%97))
		case r < 80 && i%50 == 0:
			b.add(t, who, bot.KindPin, fmt.Sprintf("%s: the attacker's token was xoxb-%d-0987654321-AbCdEfGhIjKlMnOpQrStUvWx (https://acme.slack.com/archives/C0INC7/p17724438%08d)", who, 1000000000+i, i))
		case r < 80:
			b.add(t, who, bot.KindPin, fmt.Sprintf("%s: saw the same subject line in mailbox %d (https://acme.slack.com/archives/C0INC7/p17724438%08d)", who, i, i))
		case r < 85:
			b.add(t, who, bot.KindTask, fmt.Sprintf("added task %d: reimage ws-%d @%s", i, i, who))
		case r < 90:
			b.add(t, who, bot.KindCheck, fmt.Sprintf("containment criterion %d done: hosts isolated", i%6+1))
		case r < 95:
			b.add(t, "warroom", bot.KindPage, fmt.Sprintf("page %d to secops: responder %s notified at step 1", i, who))
		default:
			b.add(t, who, bot.KindRole, fmt.Sprintf("%s is analyst, assigned by bob", who))
		}
	}
	end := seedAt(time.Duration(n) * 3 * time.Second)
	d.Entries = b.entries
	d.Incident.HeadSeq, d.Incident.HeadHash = int64(n), b.prev
	d.Incident.ClosedAt = &end
	d.Integrity = bot.Verdict{Incident: "INC-7", Entries: int64(n), HeadHash: b.prev, OK: true}
	d.GeneratedAt = end
	return d
}

// BenchmarkReport100k builds and renders the report of an incident with 100,000 timeline
// entries, per format. Targets (issue 7): Markdown under 1 s, HTML under 2 s, peak memory
// under 200 MB. Besides ns/op and B/op it reports the output size and the process's peak
// resident memory (VmHWM, Linux) — the whole process, the 100,000 input entries
// included. For the peak of one format alone, run one at a time:
//
//	go test -run '^$' -bench 'Report100k/md' -benchmem ./report/
func BenchmarkReport100k(b *testing.B) {
	d := bigData(100_000)
	for _, f := range renderers {
		b.Run(f.ext, func(b *testing.B) {
			var size int64
			cpu0 := cpuTime()
			for b.Loop() {
				r := Build(d)
				cw := &countingWriter{}
				if err := f.render(&r, cw); err != nil {
					b.Fatal(err)
				}
				size = cw.n
			}
			// CPU time per op, user and system, all threads: on a shared machine wall time
			// (ns/op) includes waiting for a CPU; this does not.
			b.ReportMetric(float64((cpuTime()-cpu0)/time.Millisecond)/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(size)/(1<<20), "MB-output")
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.Sys)/(1<<20), "MB-sys")
			if hwm, ok := peakRSS(); ok {
				b.ReportMetric(float64(hwm)/(1<<20), "MB-peak-RSS")
			}
		})
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// peakRSS reads the process's resident-set high-water mark from /proc/self/status.
func peakRSS() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// TestReport100kShape renders a large report once (short mode skips it) and checks it
// holds every entry, so the benchmark measures a correct report, not a truncated one.
func TestReport100kShape(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	d := bigData(20_000)
	r := Build(d)
	var buf bytes.Buffer
	if err := r.Markdown(&buf); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), "\n| "); got < 20_000 {
		t.Errorf("markdown has %d table rows, want at least 20000", got)
	}
	if !strings.Contains(buf.String(), "| 20000 | ") {
		t.Error("last entry missing")
	}
	if len(r.IOCs) < 100 {
		t.Errorf("only %d IOCs in the big incident", len(r.IOCs))
	}
}
