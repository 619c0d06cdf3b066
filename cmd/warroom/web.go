package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/storage"
	"github.com/warroom/warroom/templates"
	"github.com/warroom/warroom/web"
	"github.com/warroom/warroom/web/webauth"
	"github.com/warroom/warroom/web/webstore"
)

// webURL is the address sign-in links point to: --web-url, else http://--web-addr; ""
// when the web view is off.
func webURL(o *options) (string, error) {
	u := strings.TrimRight(o.webURL, "/")
	if u == "" && o.webAddr != "" {
		host := o.webAddr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		u = "http://" + host
	}
	if u == "" {
		return "", nil
	}
	if err := webauth.CheckBaseURL(u); err != nil {
		return "", fmt.Errorf("--web-url %q: %v", u, err)
	}
	return u, nil
}

// webRun is the web view of `warroom run`, when --web-addr is set.
type webRun struct {
	srv  *web.Server
	http *http.Server
	base string // --web-url, for sign-in links; "" when the web view is off
}

// startWeb serves the web view on --web-addr until ctx ends; a zero webRun when it is off.
func startWeb(ctx context.Context, o *options, cfg *config.Config, tpl *templates.Set, db *storage.DB, clock clockwork.Clock, log *slog.Logger, key ed25519.PrivateKey) (*webRun, error) {
	if o.webAddr == "" {
		return &webRun{}, nil
	}
	base, err := webURL(o)
	if err != nil {
		return nil, err
	}
	opts := web.Options{Store: webstore.New(db), Config: cfg, Templates: tpl, BaseURL: base, Clock: clock, Log: log,
		Generator: "warroom " + buildVersion()}
	if key != nil {
		opts.PublicKey = key.Public().(ed25519.PublicKey)
	}
	srv, err := web.New(opts)
	if err != nil {
		return nil, err
	}
	hs, err := listen(o.webAddr, srv.Handler(), log)
	if err != nil {
		return nil, fmt.Errorf("--web-addr %s: %v", o.webAddr, err)
	}
	go srv.Run(ctx)
	return &webRun{srv: srv, http: hs, base: base}, nil
}

// observing adds to the engine's Observe hook: every handled command may have added
// entries, so the web view's live updates look at once.
func (w *webRun) observing(observe func(what, outcome string, took time.Duration)) func(string, string, time.Duration) {
	if w.srv == nil {
		return observe
	}
	return func(what, outcome string, took time.Duration) { observe(what, outcome, took); w.srv.Changed() }
}

func (w *webRun) close() {
	if w.http != nil {
		_ = w.http.Close()
	}
}

// webLogin prints a one-time sign-in link for a roster person.
func (m *Main) webLogin(ctx context.Context, o *options, pos []string) int {
	if len(pos) != 1 {
		return m.failUsage("web-login", errors.New("name one person in the roster"))
	}
	name := strings.TrimPrefix(pos[0], "@")
	cfg, _, err := m.loadConfig(o)
	if err != nil {
		return m.fail("%v", err)
	}
	if _, ok := cfg.Person(name); !ok && !(len(cfg.Roster) == 0 && commands.ValidPersonName(name)) {
		return m.fail("%q is not in the roster (the configuration's roster: names people by their warroom name)", name)
	}
	base, err := webURL(o)
	if err != nil {
		return m.fail("%v", err)
	}
	if base == "" {
		return m.fail("web-login needs the web view's address: --web-url URL (or --web-addr ADDR), as `warroom run` has it")
	}
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	token, hash := webauth.NewToken()
	now := time.Now().UTC()
	if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CreateWebToken(hash, name, now, now.Add(webauth.LinkTTL)) }); err != nil {
		return m.fail("%v", err)
	}
	fmt.Fprintln(m.Stdout, webauth.LoginURL(base, token))
	fmt.Fprintf(m.Stderr, "warroom: a sign-in link for %s: it works once, until %s; give it to them privately.\n", name, now.Add(webauth.LinkTTL).Format("15:04 UTC"))
	return exitOK
}

// webLogout ends every web view session of a person and voids their unused links.
func (m *Main) webLogout(ctx context.Context, o *options, pos []string) int {
	if len(pos) != 1 {
		return m.failUsage("web-logout", errors.New("name one person in the roster"))
	}
	name := strings.TrimPrefix(pos[0], "@")
	db, err := m.openDB(ctx, o, true)
	if err != nil {
		return m.fail("%v", err)
	}
	defer db.Close()
	var n int
	err = db.Update(ctx, func(tx *storage.Tx) (err error) {
		n, err = tx.RevokeWebAccess(name, time.Now().UTC())
		return err
	})
	if err != nil {
		return m.fail("%v", err)
	}
	fmt.Fprintf(m.Stdout, "Signed %s out of the web view: %d session(s) ended, unused sign-in links voided.\n", name, n)
	return exitOK
}
