package testutil

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// FreeAddr is a 127.0.0.1 address free now for a child process to listen on. A port the
// kernel hands out for ":0" comes from the ephemeral range, which outgoing connections
// (a child's own PostgreSQL and HTTP connections) also draw from, so between this check and
// the child's bind one of them could take it ("address already in use", seen in CI), or
// take it while the child restarts. Below that range only listeners take ports, and this
// one was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 11024 {
				low = n
			}
		}
	}
	for range 100 {
		addr := fmt.Sprintf("127.0.0.1:%d", low-10000+rand.IntN(10000))
		if ln, err := net.Listen("tcp", addr); err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}
