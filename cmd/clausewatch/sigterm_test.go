package main_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// slowPage is a page of n tiny paragraphs under one heading, each stating
// a retention period: under the clause cap, and slow to read.
func slowPage(n int) []byte {
	var b strings.Builder
	b.WriteString("<html><body><main><h1>Our terms</h1><h2>Retention</h2>")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<p>We keep chat %d for 30 days.</p>", i)
	}
	b.WriteString("</main></body></html>")
	return []byte(b.String())
}

// TestSIGTERMDuringReading: SIGTERM while a check reads a big page ends
// the run with exit 1 and a message; the database passes integrity_check
// and holds no snapshot of the interrupted attempt.
func TestSIGTERMDuringReading(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	big := slowPage(15_000)
	var (
		mu       sync.Mutex
		requests int
	)
	servedBig := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		if n == 1 {
			w.Write(fixture.ConsumerTerms(fixture.TrainingNever).HTML())
			return
		}
		w.Write(big)
		if n == 2 {
			close(servedBig)
		}
	}))
	defer srv.Close()
	dir := decl(t, srv.URL, 1)
	dbPath := filepath.Join(t.TempDir(), "cw.db")
	args := []string{"--db", dbPath, "--sources", dir, "check", "--host-delay", "0", "--retries", "0"}
	if out, err := exec.Command(bin, args...).CombinedOutput(); exitCode(err) != 0 && exitCode(err) != 3 {
		t.Fatalf("first run: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-servedBig:
	case err := <-done:
		t.Fatalf("second run ended before fetching the big page: %v\n%s", err, out.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("second run never fetched the big page")
	}
	// The page is read for many seconds after it was served: the signal
	// lands while it is being extracted or read.
	time.Sleep(500 * time.Millisecond)
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second): // a test timeout, not a speed assertion
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 30s after SIGTERM\n%s", out.String())
	}
	t.Logf("exited %v after SIGTERM", time.Since(sent).Round(time.Millisecond))
	if code := exitCode(err); code != 1 || !strings.Contains(out.String(), "interrupted") {
		t.Errorf("exit %d, output:\n%s\nwant exit 1 saying the check was interrupted", code, out.String())
	}

	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v; want ok", ok, err)
	}
	db.Close()
	if got := consistent(t, dbPath, 1); got != 1 {
		t.Errorf("%d snapshots, want 1: the interrupted attempt records nothing", got)
	}
}
