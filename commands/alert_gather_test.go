package commands

import (
	"runtime"
	"sync"
	"testing"
)

// gatherOneOnItsWay queues one alert behind a last batch of last alerts, starts a goroutine
// that is about to queue another, lets the queue gather and returns how many alerts the
// batch then takes. It runs on one processor so that "about to" is exact: the goroutine
// has not run until the caller yields.
func gatherOneOnItsWay(last int) int {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	q := newAlertQueue(nil)
	q.last = last
	q.add(&alertJob{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); q.add(&alertJob{}) }()
	defer wg.Wait()
	q.gather()
	return len(q.take())
}

// When the last batch was busy and only a few alerts wait, the recorder about to take the
// next batch first lets the alerts on their way join it, instead of recording a batch of
// one. The yield is runtime.Gosched, which puts the recorder on the global run queue, and
// the scheduler looks there first once every 61 of its turns: then the recorder runs again
// before the goroutine on its way (about one run in 61; make test met it once). So each
// case gets three tries; without the yield every try takes 1.
func TestAlertGatherLetsAlertsOnTheirWayJoin(t *testing.T) {
	for _, last := range []int{3, 8, maxAlertBatch} {
		got := 0
		for try := 0; try < 3 && got != 2; try++ {
			got = gatherOneOnItsWay(last)
		}
		if got != 2 {
			t.Errorf("last batch %d: the batch took %d alert(s), want 2: the alert on its way did not join", last, got)
		}
	}
}

// A quiet source's alert waits for nobody: when the last batch was no bigger than twice
// what waits now, the batch is taken at once, whatever else is runnable.
func TestAlertGatherDoesNotWaitWhenQuiet(t *testing.T) {
	for _, last := range []int{0, 1, 2} {
		if got := gatherOneOnItsWay(last); got != 1 {
			t.Errorf("last batch %d: the batch took %d alerts, want 1 (it waited)", last, got)
		}
	}
}
