//go:build !unix

package store

import (
	"context"
	"fmt"
)

// Lock is not available on this system: the run lock needs flock.
func (db *DB) Lock(ctx context.Context, wait bool) (release func() error, err error) {
	return nil, fmt.Errorf("lock %s: run lock not supported on this system", db.path)
}
