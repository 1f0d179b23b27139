package store

import (
	"context"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

func usedBytes(tb testing.TB, db *DB) int64 {
	tb.Helper()
	n, err := db.UsedBytes(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// benchPage is the 570 KB page of internal/bench with the noise of one
// request.
func benchPage(noise uint64) []byte {
	p := fixture.ConsumerTerms(fixture.TrainingNever)
	p.Pad, p.Noise = 570<<10, noise
	return p.HTML()
}

// BenchmarkNoiseSnapshot stores one noise-only snapshot of the 570 KB
// bench page per op (blob and snapshot row, one transaction each), with
// the decoded-base cache emptied before each, as in a run over more
// sources than it holds. It reports the bytes each snapshot adds to the
// file, its rows and indexes included.
func BenchmarkNoiseSnapshot(b *testing.B) {
	db := MustOpen(b)
	putFetch(b, db, "bench-terms", t0, benchPage(1))
	putFetch(b, db, "bench-terms", t0.Add(time.Hour), benchPage(2)) // learnt
	raws := make([][]byte, b.N)
	for i := range raws {
		raws[i] = benchPage(uint64(i + 3))
	}
	before := usedBytes(b, db)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		resetBaseCache(db)
		b.StartTimer()
		putFetch(b, db, "bench-terms", t0.Add(time.Duration(i+2)*time.Hour), raws[i])
	}
	b.StopTimer()
	b.ReportMetric(float64(usedBytes(b, db)-before)/float64(b.N), "B/snapshot")
	var idx int
	if err := db.sql.QueryRow(`SELECT COALESCE(SUM(LENGTH(idx)), 0) FROM source_bases`).Scan(&idx); err == nil {
		b.ReportMetric(float64(idx), "B/base-index") // kept once per source
	}
}
