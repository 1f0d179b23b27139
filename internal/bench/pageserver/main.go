// Command pageserver serves the benchmark's pages from a process of its
// own, so that their rendering is no part of the CPU the benchmark reads
// from the measured processes: pages shaped like the real ~570 KB consumer
// terms (internal/fixture, our own words), fresh noise on every request,
// no validators, on several ports at once.
//
// It prints one base URL a line, then "ready", and serves until its
// standard input is closed. Page i is /doc/i. GET /_cycle?every=K on any
// port starts a new cycle in which one page in K (those with i%K equal to
// the cycle number mod K) changes the clause on the use of your content;
// the other pages keep their text.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

func main() {
	hosts := flag.Int("hosts", 4, "number of ports to listen on")
	pages := flag.Int("pages", 1000, "number of pages, /doc/0 to /doc/N-1")
	pad := flag.Int("pad", 570<<10, "page size in bytes")
	flag.Parse()
	if *hosts < 1 || *pages < 1 || *pad < 0 {
		fmt.Fprintln(os.Stderr, "pageserver: -hosts and -pages must be at least 1, -pad at least 0")
		os.Exit(2)
	}
	s := newServer(*pages, *pad)
	var lns []net.Listener
	for i := 0; i < *hosts; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintf(os.Stderr, "pageserver: listen: %v\n", err)
			os.Exit(1)
		}
		lns = append(lns, ln)
	}
	for _, ln := range lns {
		fmt.Printf("http://%s\n", ln.Addr())
		go http.Serve(ln, s)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // serve until the parent closes our stdin
}

type server struct {
	pad   int
	noise atomic.Uint64 // one counter over all ports: every response is unique

	mu      sync.Mutex
	cycle   int
	version []int // per page: how many times its clause was changed
}

func newServer(pages, pad int) *server {
	return &server{pad: pad, version: make([]int, pages)}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_cycle" {
		s.newCycle(w, r)
		return
	}
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/doc/"))
	s.mu.Lock()
	ok := err == nil && strings.HasPrefix(r.URL.Path, "/doc/") && i >= 0 && i < len(s.version)
	v := 0
	if ok {
		v = s.version[i]
	}
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	training := fixture.TrainingNever
	if v%2 == 1 {
		training = fixture.TrainingOptOut
	}
	p := fixture.ConsumerTerms(training)
	p.Pad = s.pad
	p.Noise = s.noise.Add(1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(p.HTML())
}

// newCycle changes the clause of one page in every (the query's "every")
// and answers with the number of pages changed.
func (s *server) newCycle(w http.ResponseWriter, r *http.Request) {
	every, err := strconv.Atoi(r.URL.Query().Get("every"))
	if err != nil || every < 1 {
		http.Error(w, "every: want a whole number of at least 1", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cycle++
	changed := 0
	for i := range s.version {
		if i%every == s.cycle%every {
			s.version[i]++
			changed++
		}
	}
	fmt.Fprintln(w, changed)
}
