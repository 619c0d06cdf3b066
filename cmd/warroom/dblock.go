//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// dbLock is held by the one warroom process serving a database (run or shell): two bots
// on one database would both fire every reminder and escalation and race each other's
// outbox. It is an flock on DB.lock, so the kernel drops it when the holder dies — a
// crashed process never blocks the next start. The file holds the holder's pid, for the
// message a second process gets. Read-only commands (timeline, verify, backup …) take no
// lock and keep working beside the bot.
type dbLock struct{ f *os.File }

func lockDB(dbPath string) (*dbLock, error) {
	path := dbPath + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, syscall.EROFS) || errors.Is(err, os.ErrPermission) {
		// A directory nobody may write to: SQLite cannot keep its journal there either,
		// and opening the database says so more precisely than a lock file could.
		return &dbLock{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := "another process"
		if b, rerr := os.ReadFile(path); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
				holder = "warroom pid " + strconv.Itoa(pid)
			}
		}
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is in use by %s (lock %s); stop it first, or use another --db", dbPath, holder, path)
		}
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	return &dbLock{f: f}, nil
}

// release drops the lock; the file stays (removing it could race a starting process).
func (l *dbLock) release() {
	if l != nil && l.f != nil {
		_ = l.f.Close()
	}
}
