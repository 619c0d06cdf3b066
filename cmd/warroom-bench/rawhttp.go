package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// rawSender is a lean HTTP/1.1 load generator: keep-alive connections that write requests
// serialised before the run and read just the status line, headers and body of each
// answer. The alerts bench runs its senders on the same two cores as the server; with
// net/http's client (a request and header maps, a reader and a writer goroutine per
// connection) and signing in the timed loop, a third of the CPU went to generating the load
// instead of taking it. The server side is unchanged: the real net/http server, handler,
// engine and database.
type rawSender struct {
	conns chan *rawConn
}

type rawConn struct {
	c net.Conn
	r *bufio.Reader
}

// newRawSender opens n keep-alive connections to addr (host:port).
func newRawSender(addr string, n int) (*rawSender, error) {
	s := &rawSender{conns: make(chan *rawConn, n)}
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			s.close()
			return nil, err
		}
		s.conns <- &rawConn{c: c, r: bufio.NewReaderSize(c, 4096)}
	}
	return s, nil
}

func (s *rawSender) close() {
	for {
		select {
		case c := <-s.conns:
			c.c.Close()
		default:
			return
		}
	}
}

// rawRequest serialises a POST with its headers and body.
func rawRequest(host, path string, h http.Header, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, host, len(body))
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// do sends one serialised request on a free connection and returns the answer's status
// and how long it took.
func (s *rawSender) do(req []byte) (int, time.Duration, error) {
	c := <-s.conns
	defer func() { s.conns <- c }()
	t0 := time.Now()
	if _, err := c.c.Write(req); err != nil {
		return 0, time.Since(t0), err
	}
	status, err := c.readAnswer()
	return status, time.Since(t0), err
}

// readAnswer reads one response: the status line, the headers (for Content-Length) and the
// body.
func (c *rawConn) readAnswer() (int, error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(line))
	if len(f) < 2 {
		return 0, fmt.Errorf("malformed status line %q", line)
	}
	status, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, fmt.Errorf("malformed status line %q", line)
	}
	length := -1
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h := strings.TrimSpace(string(line))
		if h == "" {
			break
		}
		if k, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(k, "Content-Length") {
			if length, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
				return 0, fmt.Errorf("malformed Content-Length %q", v)
			}
		}
	}
	if length < 0 {
		return 0, fmt.Errorf("answer without Content-Length")
	}
	_, err = c.r.Discard(length)
	return status, err
}

// cpuSeconds is the CPU time (user and system) this process has used so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
