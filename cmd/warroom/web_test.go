package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/web/webauth"
)

var printedLink = regexp.MustCompile(`^https://warroom\.example/login\?token=([A-Za-z0-9_-]{43})\n$`)

func TestWebLoginPrintsAOneTimeLinkAndWebLogoutEndsSessions(t *testing.T) {
	dir := t.TempDir()
	db, cfg := filepath.Join(dir, "w.db"), filepath.Join(dir, "warroom.yaml")
	if err := os.WriteFile(cfg, []byte("roster:\n  - {name: alice}\n  - {name: bob}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "/incident declare Phishing wave\n", map[string]string{"USER": "alice"}, "run", "--db", db, "--config", cfg); code != 0 {
		t.Fatalf("run: %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", nil, "web-login", "alice", "--db", db, "--config", cfg, "--web-url", "https://warroom.example/")
	m := printedLink.FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.Contains(errOut, "works once") {
		t.Fatalf("web-login: %d %q %q", code, out, errOut)
	}
	ctx := context.Background()
	sdb, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	now := time.Now().UTC()
	if err := sdb.Update(ctx, func(tx *storage.Tx) error {
		person, err := tx.RedeemWebToken(webauth.Hash(m[1]), now)
		if err != nil || person != "alice" {
			t.Errorf("the printed link does not sign alice in: %q %v", person, err)
		}
		_, err = tx.CreateWebSession(webauth.Hash("cookie-of-alice"), "alice", now, now.Add(time.Hour))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"web-login", "eve", "--web-url", "https://warroom.example"}, `"eve" is not in the roster`},
		{[]string{"web-login", "alice"}, "needs the web view's address"},
		{[]string{"web-login", "alice", "--web-url", "ftp://warroom.example"}, "must start with http:// or https://"},
		{[]string{"web-login", "alice", "--web-url", "https://warroom.example/?x=1"}, "must not carry a query"},
		{[]string{"web-login"}, "usage: warroom web-login NAME"},
		{[]string{"web-logout"}, "usage: warroom web-logout NAME"},
	} {
		code, out, errOut := runCLI(t, "", nil, append(c.args, "--db", db, "--config", cfg)...)
		if code != exitProblem || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q %q, want %q", c.args, code, out, errOut, c.want)
		}
	}
	code, out, _ = runCLI(t, "", nil, "web-logout", "alice", "--db", db)
	if code != 0 || !strings.Contains(out, "1 session(s) ended") {
		t.Errorf("web-logout: %d %q", code, out)
	}
	if err := sdb.View(ctx, func(tx *storage.Tx) error {
		if _, err := tx.WebSession(webauth.Hash("cookie-of-alice"), time.Now()); err != storage.ErrNotFound {
			t.Errorf("the session survived web-logout: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
