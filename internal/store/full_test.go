package store

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestDiskFull: when the database cannot grow (a full disk, simulated with
// SQLite's max_page_count on the only connection), recording a page fails
// with SQLite's "full" error, the transaction leaves nothing behind, and
// the database works again once there is room.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	db.sql.SetMaxOpenConns(1) // the pragma below is per connection
	put := func(i int) error {
		rng := rand.New(rand.NewPCG(uint64(i), 9))
		page := make([]byte, 256<<10) // incompressible: needs many pages
		for j := range page {
			page[j] = byte(rng.UintN(256))
		}
		return db.Transact(ctx, func(tx *Tx) error {
			h, err := tx.PutRaw(ctx, "s", page)
			if err != nil {
				return err
			}
			_, err = tx.InsertSnapshot(ctx, terms.Snapshot{Source: "s", FetchedAt: t0.Add(time.Duration(i) * time.Hour), ContentHash: h, Origin: "check"})
			return err
		})
	}
	if err := put(0); err != nil {
		t.Fatal(err)
	}
	before, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, `PRAGMA max_page_count = `+strconv.Itoa(pages+2)); err != nil {
		t.Fatal(err)
	}
	err = put(1)
	if err == nil || !strings.Contains(err.Error(), "full") {
		t.Fatalf("recording into a full database: %v, want SQLite's full error", err)
	}
	after, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Snapshots != before.Snapshots || after.Blobs != before.Blobs {
		t.Errorf("a failed write left rows: before %+v, after %+v", before, after)
	}
	var ok string
	if err := db.sql.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity after the failure: %q %v", ok, err)
	}
	if _, err := db.sql.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if err := put(1); err != nil {
		t.Errorf("with room again: %v", err)
	}
}
