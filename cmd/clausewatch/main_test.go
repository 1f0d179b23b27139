package main_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/store"
)

// binary builds clausewatch once for the process tests.
func binary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "clausewatch")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// decl writes n sources served by base under /p0 … /p{n-1}.
func decl(t *testing.T, base string, n int) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("vendor: example\nname: Example\ntiers:\n  - id: consumer\n    label: Consumer\ndocuments:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - id: example-p%d\n    url: %s/p%d\n    select: [main]\n    tiers: [consumer]\n", i, base, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// consistent checks that every recorded snapshot's bytes and document can be read back.
func consistent(t *testing.T, dbPath string, n int) (snapshots int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer db.Close()
	for i := 0; i < n; i++ {
		snaps, err := db.Snapshots(ctx, fmt.Sprintf("example-p%d", i))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range snaps {
			snapshots++
			if s.ContentHash != "" {
				if _, err := db.Raw(ctx, s.ContentHash); err != nil {
					t.Errorf("snapshot %d: raw bytes missing: %v", s.ID, err)
				}
			}
			if s.TextHash != "" {
				if _, err := db.Document(ctx, s.TextHash); err != nil {
					t.Errorf("snapshot %d: document missing: %v", s.ID, err)
				}
			}
		}
	}
	return snapshots
}

func TestKilledMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	var served sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := served.LoadOrStore(r.URL.Path, new(int))
		*(n.(*int))++
		p := fixture.ConsumerTerms(fixture.TrainingNever)
		p.Noise = rand.Uint64()
		p.Pad = 200 << 10
		w.Header().Set("Content-Type", "text/html")
		w.Write(p.HTML())
	}))
	defer srv.Close()
	const n = 12
	dir := decl(t, srv.URL, n)
	dbPath := filepath.Join(t.TempDir(), "cw.db")
	args := []string{"--db", dbPath, "--sources", dir, "check", "--host-delay", "0", "--retries", "0"}
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 8; i++ {
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(r.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		consistent(t, dbPath, n)
	}
	// The next run continues from what was recorded and completes.
	out, err := exec.Command(bin, args...).CombinedOutput()
	if code := exitCode(err); code != 0 && code != 3 {
		t.Fatalf("run after kills: exit %d\n%s", code, out)
	}
	if got := consistent(t, dbPath, n); got < n {
		t.Errorf("after a complete run: %d snapshots for %d sources", got, n)
	}
}

func TestTwoRunsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		w.Header().Set("Content-Type", "text/html")
		w.Write(fixture.ConsumerTerms(fixture.TrainingNever).HTML())
	}))
	defer srv.Close()
	dir := decl(t, srv.URL, 1)
	dbPath := filepath.Join(t.TempDir(), "cw.db")
	args := []string{"--db", dbPath, "--sources", dir, "check", "--host-delay", "0", "--retries", "0"}

	first := exec.Command(bin, args...)
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("first run never fetched")
	}
	// The second run exits at once with a clear message.
	out, err := exec.Command(bin, args...).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "lock") {
		t.Errorf("second run: exit %d, output:\n%s\nwant exit 1 naming the lock", code, out)
	}
	// With --wait it waits for the first to finish, then runs.
	waiter := exec.Command(bin, append(args, "--wait")...)
	var waitOut bytes.Buffer
	waiter.Stdout, waiter.Stderr = &waitOut, &waitOut
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	close(release)
	if err := first.Wait(); exitCode(err) != 0 {
		t.Errorf("first run: %v\n%s", err, firstOut.String())
	}
	if err := waiter.Wait(); exitCode(err) != 0 {
		t.Errorf("waiting run: %v\n%s", err, waitOut.String())
	}
	if got := consistent(t, dbPath, 1); got != 2 {
		t.Errorf("%d snapshots, want 2 (one per run)", got)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
