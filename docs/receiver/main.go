// Command receiver is a stand-in for the SOAR, firewall or EDR a warroom action calls, to
// try actions locally (docs/playbooks.md): it verifies the Standard Webhooks signature,
// applies each webhook-id once, and prints what it was asked.
//
//	WARROOM_ACTION_SECRET=whsec_… go run ./docs/receiver -addr 127.0.0.1:8099
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/warroom/warroom/stdwebhook"
)

// handler answers 401 to a call that is not signed with key, 200 to the rest, and calls
// apply once per webhook-id (a retry after a lost answer is acknowledged, not re-applied).
func handler(key stdwebhook.Key, apply func(id, path string, body []byte)) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		id, err := key.Verify(r.Header, body, time.Now())
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		dup := seen[id]
		seen[id] = true
		mu.Unlock()
		if !dup {
			apply(id, r.URL.Path, body)
		}
		fmt.Fprintf(w, `{"ok": true, "duplicate": %t}`, dup)
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8099", "listen address")
	flag.Parse()
	key, err := stdwebhook.ParseSecret(os.Getenv("WARROOM_ACTION_SECRET"))
	if err != nil {
		log.Fatalf("WARROOM_ACTION_SECRET: %v", err)
	}
	h := handler(key, func(id, path string, body []byte) { log.Printf("%s %s %s", id, path, body) })
	log.Fatal(http.ListenAndServe(*addr, h))
}
