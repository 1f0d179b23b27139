package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Child roles, selected by childEnv.
const (
	roleExitMidTx = "exit-mid-tx" // write in a transaction, then os.Exit(1)
	roleKillMidTx = "kill-mid-tx" // write in a transaction, say ready, wait to be killed
	roleHoldLock  = "hold-lock"   // take the run lock, say ready, wait to be killed
)

// ready is the line a child prints when the parent may act.
const ready = "READY"

// runChild plays a child role against the database at path. It never
// returns normally.
func runChild(role, path string) {
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	db, err := Open(ctx, path, Options{})
	if err != nil {
		fail(err)
	}
	switch role {
	case roleExitMidTx, roleKillMidTx:
		err = db.Transact(ctx, func(tx *Tx) error {
			// Incompressible megabytes, so the page cache spills into the WAL
			// before the transaction ends.
			big := make([]byte, 6<<20)
			rand.Read(big)
			writeEverything(childTB{}, ctx, tx, "acme-terms", big)
			if role == roleExitMidTx {
				os.Exit(1)
			}
			fmt.Println(ready)
			select {} // until killed
		})
		fail(fmt.Errorf("transaction returned: %v", err))
	case roleHoldLock:
		if _, err := db.Lock(ctx, false); err != nil {
			fail(err)
		}
		fmt.Println(ready)
		select {} // until killed
	}
	fail(fmt.Errorf("unknown role %q", role))
}

// childTB lets helpers written for tests run in a child process.
type childTB struct{ testing.TB }

func (childTB) Helper() {}
func (childTB) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "child: "+format+"\n", args...)
	os.Exit(3)
}

// startChild re-executes the test binary in a role and returns once the
// child printed ready (or exited, for roles that exit on their own). The
// channel receives the child's exit (once); the child is killed when the
// test ends.
func startChild(t *testing.T, role, path string) (*exec.Cmd, <-chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+role, childDBEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	done := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		done <- cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if strings.Contains(stderr.String(), "child:") {
			t.Logf("child stderr: %s", stderr.String())
		}
	})
	if role != roleExitMidTx && strings.TrimSpace(line) != ready {
		t.Fatalf("child %s did not get ready (stdout %q, stderr %q)", role, line, stderr.String())
	}
	return cmd, done
}

func TestCrashMidTransaction(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		role string
	}{
		{"os.Exit", roleExitMidTx},
		{"SIGKILL", roleKillMidTx},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clausewatch.db")
			db, err := Open(ctx, path, Options{Now: func() time.Time { return t0 }})
			if err != nil {
				t.Fatal(err)
			}
			// Something committed before the crash must survive it.
			mustTransact(t, db, func(tx *Tx) error { return tx.SetState(ctx, "before", "kept") })
			db.Close()

			cmd, done := startChild(t, tt.role, path)
			if tt.role == roleKillMidTx {
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
			}
			err = <-done
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("child ended with %v, want it to die", err)
			}
			if tt.role == roleExitMidTx && exit.ExitCode() != 1 {
				t.Fatalf("child exit code %d, want 1 (3 means the child failed before the crash point)", exit.ExitCode())
			}
			if fi, err := os.Stat(path + "-wal"); err == nil {
				t.Logf("the child left a %d-byte WAL behind", fi.Size())
			}

			db2 := mustOpenAt(t, path)
			assertIntegrity(t, db2)
			for _, table := range []string{"blobs", "documents", "snapshots", "observations", "events"} {
				if n := countRows(t, db2, table); n != 0 {
					t.Errorf("%s has %d rows of the half transaction", table, n)
				}
			}
			if v, ok, _ := db2.GetState(ctx, "before"); !ok || v != "kept" {
				t.Errorf("state committed before the crash = %q, %v; want kept", v, ok)
			}
			if _, ok, _ := db2.GetState(ctx, "last-check"); ok {
				t.Error("state of the half transaction is visible")
			}
			// And the database takes new writes.
			mustTransact(t, db2, func(tx *Tx) error {
				writeEverything(t, ctx, tx, "acme-terms", []byte("<p>after the crash</p>"))
				return nil
			})
		})
	}
}

func TestLockHeldByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	cmd, _ := startChild(t, roleHoldLock, path)

	_, err := db.Lock(ctx, false)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Lock while a child holds it = %v, want ErrLocked", err)
	}
	for _, want := range []string{"another clausewatch run", path, fmt.Sprintf("pid %d", cmd.Process.Pid)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}

	// A waiting Lock gets it once the holder dies: flock locks do not
	// outlive their process.
	got := make(chan error, 1)
	go func() {
		waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second) // safety net only
		defer cancel()
		release, err := db.Lock(waitCtx, true)
		if err == nil {
			err = release()
		}
		got <- err
	}()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("Lock(wait) after the holder died: %v", err)
	}
}

func TestLockInProcess(t *testing.T) {
	ctx := context.Background()
	t.Run("second fails fast", func(t *testing.T) {
		db := MustOpen(t)
		release, err := db.Lock(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Lock(ctx, false)
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("second Lock = %v, want ErrLocked", err)
		}
		if want := fmt.Sprintf("pid %d", os.Getpid()); !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name the holder (%s)", err, want)
		}
		if err := release(); err != nil {
			t.Fatal(err)
		}
		if err := release(); err != nil {
			t.Errorf("second release: %v", err)
		}
		release2, err := db.Lock(ctx, false)
		if err != nil {
			t.Fatalf("Lock after release: %v", err)
		}
		release2()
	})
	t.Run("second waits until first releases", func(t *testing.T) {
		db := MustOpen(t)
		release, err := db.Lock(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		var released atomic.Bool
		got := make(chan error, 1)
		go func() {
			waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second) // safety net only
			defer cancel()
			release2, err := db.Lock(waitCtx, true)
			if err == nil {
				if !released.Load() {
					err = errors.New("got the lock while the first holder still had it")
				}
				release2()
			}
			got <- err
		}()
		time.Sleep(3 * lockPoll / 2) // let the waiter poll at least once; not an assertion
		released.Store(true)
		if err := release(); err != nil {
			t.Fatal(err)
		}
		if err := <-got; err != nil {
			t.Fatalf("waiting Lock: %v", err)
		}
	})
	t.Run("wait gives up when ctx is done", func(t *testing.T) {
		db := MustOpen(t)
		release, err := db.Lock(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err = db.Lock(cctx, true)
		if !errors.Is(err, ErrLocked) || !errors.Is(err, context.Canceled) {
			t.Fatalf("Lock(wait) with a done ctx = %v, want ErrLocked and context.Canceled", err)
		}
	})
	t.Run("unwritable lock file", func(t *testing.T) {
		db := MustOpen(t)
		if err := os.Mkdir(db.LockPath(), 0o755); err != nil { // a directory cannot be opened for writing
			t.Fatal(err)
		}
		_, err := db.Lock(ctx, false)
		if err == nil || errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), db.Path()) {
			t.Fatalf("Lock on an unopenable lock file = %v, want an error naming %s", err, db.Path())
		}
	})
}

// Compile-time check that the child helper satisfies what writeEverything
// needs.
var _ testing.TB = childTB{}
