// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb in a temporary
// directory, the server listening only on a unix socket inside it, fsync on as in
// production, run as an unprivileged user (nobody) when the tests run as root, and removed
// when the test binary ends. One cluster serves every test of a package (Main); each test
// gets a schema (DB) or a database (Database) of its own.
//
// Where no PostgreSQL server is installed, or it cannot start, tests that need it skip
// saying why — unless CI is set, when they fail: CI always has PostgreSQL (scripts/test-deps
// installs Debian's package when it is missing).
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running throwaway PostgreSQL server.
type Cluster struct {
	dir    string // owns data/, sock/ and the server log
	bin    string // the directory of initdb, pg_ctl and postgres
	runAs  string // "" or the user the server runs as (when we are root)
	socket string
	port   int

	mu    sync.Mutex
	admin *pgx.Conn // to the test database: creates and drops schemas and databases
}

// testDatabase holds the tests' schemas (DB).
const testDatabase = "warroom_test"

const superuser = "warroom"

var (
	shared     *Cluster
	sharedErr  error
	sharedOnce sync.Once
	dbCount    atomic.Int64
)

// Main runs a package's tests and then stops the shared cluster, if a test started it:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	StopShared()
	return code
}

// StopShared stops the shared cluster if a test started it (for a TestMain that runs its
// tests itself).
func StopShared() {
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		shared = nil
	}
}

// Shared is the package's cluster, started on first use. Without one it skips t (fails
// it when CI is set), naming why.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		Unavailable(t, sharedErr)
	}
	return shared
}

// Unavailable skips t because PostgreSQL cannot be used, or fails it when CI is set.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("PostgreSQL is required in CI (CI is set): %v", err)
	}
	t.Skipf("PostgreSQL tests skipped: %v (install Debian's postgresql package, or run scripts/test-deps as root)", err)
}

// DB returns the URL of a fresh, empty schema of its own for t, in the cluster's test
// database (search_path names it), dropped when t ends. A schema costs milliseconds where
// a database costs most of a second; a test that needs a database to itself — advisory
// locks are per database — uses Database.
func DB(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	name := fmt.Sprintf("t%d", dbCount.Add(1))
	if err := c.exec("CREATE SCHEMA " + name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if err := c.exec("DROP SCHEMA " + name + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", name, err)
		}
	})
	return c.URL(testDatabase) + "&search_path=" + name
}

// Schema returns the URL of a fresh, empty schema in the cluster's test database that
// lasts as long as the cluster, for a package that keeps a pool of them (migrating a
// schema costs more than emptying one).
func Schema(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	name := fmt.Sprintf("p%d", dbCount.Add(1))
	if err := c.exec("CREATE SCHEMA " + name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	return c.URL(testDatabase) + "&search_path=" + name
}

// Database creates a fresh, empty database of its own for t and returns its URL; it is
// dropped when t ends.
func Database(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	url, drop, err := c.CreateDatabase()
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return url
}

// CreateDatabase creates a fresh, empty database on the cluster and returns its URL and a
// function that drops it (for a program, such as warroom-bench, that has no testing.TB;
// the cluster's Stop removes it too).
func (c *Cluster) CreateDatabase() (url string, drop func() error, err error) {
	name := fmt.Sprintf("d%d", dbCount.Add(1))
	if err := c.exec("CREATE DATABASE " + name); err != nil {
		return "", nil, err
	}
	// FORCE: a test that failed half-way, or a killed process, may still hold connections.
	return c.URL(name), func() error { return c.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") }, nil
}

// exec runs one statement of ours (names we made, never outside input) on the admin
// connection.
func (c *Cluster) exec(sql string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.admin.Exec(ctx, sql)
	return err
}

// URL is a pgx connection URL for database name on this cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d&sslmode=disable", superuser, name, c.socket, c.port)
}

// Start initialises and starts a new cluster.
func Start() (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, port: 5432}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		if _, err := user.Lookup("nobody"); err != nil {
			return nil, fmt.Errorf("running as root and there is no unprivileged user nobody to run PostgreSQL as: %w", err)
		}
		c.runAs = "nobody"
	}
	if c.dir, err = os.MkdirTemp("", "warroom-pg-"); err != nil {
		return nil, err
	}
	c.socket = filepath.Join(c.dir, "sock")
	if err := os.Mkdir(c.socket, 0o700); err != nil {
		return nil, c.fail(err)
	}
	if c.runAs != "" {
		u, _ := user.Lookup(c.runAs)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, p := range []string{c.dir, c.socket} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, c.fail(err)
			}
		}
	}
	data := filepath.Join(c.dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions", "--no-sync"); err != nil {
		return nil, c.fail(fmt.Errorf("initdb: %w: %s", err, out))
	}
	// --no-sync: initdb need not flush a cluster that lives for one test run; the server
	// itself runs with fsync on, as in production.
	// No TCP at all: the socket lives in a directory only the server's user may enter.
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -p %d -c fsync=on -c synchronous_commit=on -c max_connections=300", c.socket, c.port)
	if out, err := c.run("pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", filepath.Join(c.dir, "server.log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		return nil, c.fail(fmt.Errorf("pg_ctl start: %w: %s %s", err, out, log))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	boot, err := pgx.Connect(ctx, c.URL("postgres"))
	if err == nil {
		_, err = boot.Exec(ctx, "CREATE DATABASE "+testDatabase)
		boot.Close(ctx)
	}
	if err == nil {
		c.admin, err = pgx.Connect(ctx, c.URL(testDatabase))
	}
	if err != nil {
		_ = c.Stop()
		return nil, fmt.Errorf("connect to the test cluster: %w", err)
	}
	return c, nil
}

// Stop stops the server (fast shutdown: connections are cut) and removes its directory.
func (c *Cluster) Stop() error {
	if c.admin != nil {
		_ = c.admin.Close(context.Background())
	}
	out, err := c.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", filepath.Join(c.dir, "data"))
	if err != nil {
		err = fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}

func (c *Cluster) fail(err error) error {
	_ = os.RemoveAll(c.dir)
	return err
}

// run runs one of the server's programs, as the unprivileged user when we are root.
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	// The server's working directory must be one its user may enter.
	cmd.Dir = c.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// findBin finds the server's programs: Debian keeps them in /usr/lib/postgresql/<major>/bin
// (the newest wins), elsewhere they are on PATH.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) > major(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server found (no initdb in /usr/lib/postgresql/*/bin or on PATH)")
}

func major(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}
