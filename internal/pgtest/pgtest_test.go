package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// The cluster is real, durable like production, never run as root, reachable only through
// its private socket, and every test gets a schema (and, asked, a database) of its own.
func TestClusterIsRealDurableAndUnprivileged(t *testing.T) {
	ctx := context.Background()
	a, b := DB(t), DB(t)
	d := Database(t)
	if dc, err := pgx.Connect(ctx, d); err != nil {
		t.Fatalf("own database: %v", err)
	} else {
		dc.Close(ctx)
	}
	if a == b {
		t.Fatalf("two tests share database %s", a)
	}
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for setting, want := range map[string]string{"fsync": "on", "synchronous_commit": "on", "listen_addresses": ""} {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", setting).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE only_here (x int)"); err != nil {
		t.Fatal(err)
	}
	other, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	var n int
	if err := other.QueryRow(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'only_here'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("a table of one test's schema is seen in another's: n=%d err=%v", n, err)
	}
	if _, err := other.Exec(ctx, "SELECT * FROM only_here"); err == nil {
		t.Fatal("a test reads another test's table unqualified")
	}

	// The postmaster's pid is the first line of postmaster.pid; its owner must not be root.
	pidFile, err := os.ReadFile(filepath.Join(shared.dir, "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(pidFile), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat("/proc/" + strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; uid == 0 {
		t.Fatalf("the PostgreSQL server (pid %d) runs as root", pid)
	}
}

// Unavailable fails instead of skipping when CI is set.
func TestUnavailableFailsInCI(t *testing.T) {
	t.Setenv("CI", "1")
	ft := &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		Unavailable(ft, os.ErrNotExist)
	}()
	if !ft.failed || ft.skipped {
		t.Fatalf("with CI set: failed=%v skipped=%v, want a failure", ft.failed, ft.skipped)
	}
	t.Setenv("CI", "")
	ft = &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		Unavailable(ft, os.ErrNotExist)
	}()
	if ft.failed || !ft.skipped {
		t.Fatalf("without CI: failed=%v skipped=%v, want a skip", ft.failed, ft.skipped)
	}
}

// fakeTB records Fatalf and Skipf instead of ending the real test (they panic to stop the
// caller, as the real ones stop the goroutine).
type fakeTB struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
func (f *fakeTB) Skipf(string, ...any) {
	f.skipped = true
	panic("skip")
}
