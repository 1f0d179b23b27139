//go:build unix

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// lockPoll is how often a waiting Lock retries.
const lockPoll = 200 * time.Millisecond

// Lock takes the run lock: an exclusive OS file lock (flock) on LockPath,
// into which it writes this process's id. The kernel drops the lock when the
// process dies, so a crashed run never leaves a stale lock. flock locks
// belong to an open file, so two Lock calls conflict even within one
// process.
//
// When another run holds the lock, Lock fails at once with an error wrapping
// ErrLocked that names the holder's pid and the database path, unless wait
// is set: then it retries every 200ms until it gets the lock or ctx is done
// (the error then wraps both ErrLocked and ctx.Err()).
//
// release unlocks; calling it more than once is harmless.
func (db *DB) Lock(ctx context.Context, wait bool) (release func() error, err error) {
	path := db.LockPath()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", db.path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", db.path, err)
		}
		if !wait {
			f.Close()
			return nil, fmt.Errorf("%w: another clausewatch run%s holds the lock on %s", ErrLocked, holder(path), db.path)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("%w: gave up waiting for another clausewatch run%s to release the lock on %s: %w",
				ErrLocked, holder(path), db.path, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
	// Record who holds it, for the message of the next run that finds it
	// taken. Failing to write this is not worth failing the run.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	var once sync.Once
	var relErr error
	return func() error {
		once.Do(func() {
			f.Truncate(0)
			if err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN); err != nil {
				relErr = fmt.Errorf("unlock %s: %w", db.path, err)
			}
			if err := f.Close(); err != nil && relErr == nil {
				relErr = fmt.Errorf("unlock %s: %w", db.path, err)
			}
		})
		return relErr
	}, nil
}

// holder returns " (pid N)" from the lock file at path, or "" when it holds
// no pid.
func holder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (pid %d)", pid)
}
