package storage

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A database that cannot be written is refused at Open, with a message saying why — for
// every user. Root ignores permission bits, so for root the read-only case is a read-only
// bind mount, which refuses root too (EROFS); the same happens to a database on read-only
// media.
func TestReadOnlyPathRefused(t *testing.T) {
	sqliteOnly(t, "a file on a read-only disk")
	ctx := context.Background()
	t.Run("read-only directory", func(t *testing.T) {
		dir, mounted := readOnlyDir(t, nil)
		_, err := Open(ctx, filepath.Join(dir, "w.db"))
		if err == nil {
			t.Fatal("opened a new database in a read-only directory")
		}
		if mounted && !strings.Contains(err.Error(), "read-only") {
			t.Fatalf("a read-only file system refused without saying so: %v", err)
		}
	})
	t.Run("existing database on a read-only file system", func(t *testing.T) {
		if os.Geteuid() != 0 {
			why := "needs root to mount: a read-only bind mount (as root) is the only way to make an existing file unwritable for every user"
			if os.Getenv("CI") != "" {
				t.Fatal(why + " — CI is set, and CI runs as root")
			}
			t.Skip(why + "; skipped because CI is unset")
		}
		dir, _ := readOnlyDir(t, func(dir string) {
			db, err := Open(ctx, filepath.Join(dir, "w.db"))
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
		})
		_, err := Open(ctx, filepath.Join(dir, "w.db"))
		if err == nil || !strings.Contains(err.Error(), "mounted read-only") {
			t.Fatalf("opened, or refused without naming the read-only file system: %v", err)
		}
	})
	t.Run("path under a regular file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, filepath.Join(f, "w.db")); err == nil {
			t.Fatal("opened a database under a regular file")
		}
	})
}

// readOnlyDir returns a directory nobody can write in (after seed, if given, has written
// in it): for a normal user by its mode, for root a read-only bind mount of it onto itself
// (mounted is then true). A root that cannot mount fails the test under CI and skips it,
// saying why, elsewhere.
func readOnlyDir(t *testing.T, seed func(dir string)) (dir string, mounted bool) {
	t.Helper()
	dir = t.TempDir()
	if seed != nil {
		seed(dir)
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
		return dir, false
	}
	mount := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
			why := "root cannot mount here (" + err.Error() + ": " + strings.TrimSpace(string(out)) + "), and root ignores a directory's mode"
			if os.Getenv("CI") != "" {
				t.Fatalf("%s — CI is set, where the read-only case must run", why)
			}
			t.Skipf("%s: the read-only case is skipped because CI is unset", why)
		}
	}
	mount("--bind", dir, dir)
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Logf("umount %s: %v %s; detaching it lazily", dir, err, out)
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})
	mount("-o", "remount,bind,ro", dir)
	return dir, true
}
