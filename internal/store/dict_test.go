package store

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// checkChainsShort fails tb when a blob of db is more than two steps from
// a "zstd" blob.
func checkChainsShort(tb testing.TB, db *DB) {
	tb.Helper()
	var deep int
	if err := db.sql.QueryRow(`SELECT COUNT(*) FROM blobs x JOIN blobs y ON y.hash = x.base JOIN blobs z ON z.hash = y.base
		WHERE z.codec <> 'zstd'`).Scan(&deep); err != nil {
		tb.Fatal(err)
	}
	if deep != 0 {
		tb.Errorf("%d blobs are more than two steps from a zstd blob", deep)
	}
}

func blobBytes(tb testing.TB, db *DB, hash string) int {
	tb.Helper()
	var n int
	if err := db.sql.QueryRow(`SELECT LENGTH(data) FROM blobs WHERE hash = ?`, hashArg(hash)).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// The first page of a source is compressed with another page of its
// vendor as dictionary; it is then its own source's base, its noise is
// patched on it, and everything reads back through the two steps.
func TestVendorDictionary(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	rng := rand.New(rand.NewPCG(9, 10))
	page := newNoisyPage(150_000, 11)
	var raws [][]byte
	var hashes []string
	at := 0
	put := func(source, vendor string, raw []byte) string {
		at++
		raws, hashes = append(raws, raw), append(hashes, putText(t, db, source, vendor, t0.Add(time.Duration(at)*time.Hour), raw, false))
		return hashes[len(hashes)-1]
	}
	first := put("acme-terms", "acme", page.fill(rng))
	if c, _ := blobCodec(t, db, first); c != codecZstd {
		t.Fatalf("the vendor's first page stored as %s, want %s", c, codecZstd)
	}
	// another page of the vendor: the same template, a changed paragraph
	sibling := []byte(strings.Replace(page.template, "<section", "<section data-x=\"privacy\"", 1))
	sibling = []byte(strings.NewReplacer(phBuild, "b", phNonce, "n", phRequest, "r").Replace(string(sibling)))
	second := put("acme-privacy", "acme", sibling)
	if c, base := blobCodec(t, db, second); c != codecDelta || base != first {
		t.Fatalf("the vendor's second page stored as %s on %q, want %s on its first page", c, base, codecDelta)
	}
	if got, alone := blobBytes(t, db, second), len(db.codec.compress(sibling)); got*4 > alone {
		t.Errorf("second page stored in %d bytes with the dictionary, %d alone: want a quarter at most", got, alone)
	}
	if base, _ := indexRow(t, db, "acme-privacy"); base != second {
		t.Errorf("the second page's source is based on %s, want the page itself", base)
	}
	// its noise is patched on it, through the index once learnt
	for range 3 {
		noisy := bytes.Replace(sibling, []byte(`data-request="r"`), []byte(`data-request="`+string(rune('a'+rng.IntN(26)))+`"`), 1)
		h := put("acme-privacy", "acme", noisy)
		if h == second {
			continue
		}
		if c, base := blobCodec(t, db, h); c != codecPatch || base != second {
			t.Errorf("noise of the second page stored as %s on %q, want %s on the page", c, base, codecPatch)
		}
	}
	// a third source's dictionary is a "zstd" blob, never a dictionary page
	third := put("acme-usage", "acme", []byte(strings.NewReplacer(phBuild, "c", phNonce, "m", phRequest, "q").Replace(page.template)))
	if c, base := blobCodec(t, db, third); c != codecDelta || base != first {
		t.Errorf("the vendor's third page stored as %s on %q, want %s on its first page", c, base, codecDelta)
	}
	// another vendor's first page has no dictionary
	if c, _ := blobCodec(t, db, put("other-terms", "other", page.fill(rng))); c != codecZstd {
		t.Errorf("another vendor's first page stored as %s, want %s", c, codecZstd)
	}
	checkChainsShort(t, db)
	if err := db.QuickCheck(ctx); err != nil {
		t.Error(err)
	}
	db.Close()
	checkRaws(t, path, hashes, raws)

	// Damage the dictionary: the pages on it say so, naming themselves.
	db = mustOpenAt(t, path)
	if _, err := db.sql.Exec(`UPDATE blobs SET data = ? WHERE hash = ?`, db.codec.compress([]byte("another page")), hashArg(first)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpenAt(t, path)
	for _, h := range hashes[1:5] {
		if _, err := db.Raw(ctx, h); err == nil || !strings.Contains(err.Error(), h) || !strings.Contains(err.Error(), "do not match") {
			t.Errorf("Raw of a page on a damaged dictionary = %v, want an error naming it", err)
		}
	}
}

// A chain of more than two steps to a "zstd" blob is refused when read.
func TestRawRefusesLongChains(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	raw := []byte(strings.Repeat("a page of our own words; ", 400))
	prev := putFetch(t, db, "s", t0, raw)
	var hashes []string
	for i := range 3 {
		next := bytes.Clone(raw)
		next[10*i] = 'X'
		patch, ok := makePatch(raw, next, len(next))
		if !ok {
			t.Fatal("no patch")
		}
		h := terms.HashBytes(next)
		if _, err := db.sql.Exec(`INSERT INTO blobs (hash, size, codec, base, data) VALUES (?, ?, ?, ?, ?)`,
			hashArg(h), len(next), codecPatch, hashArg(prev), db.codec.compress(patch)); err != nil {
			t.Fatal(err)
		}
		raw, prev, hashes = next, h, append(hashes, h)
	}
	for _, h := range hashes[:2] {
		if _, err := db.Raw(ctx, h); err != nil {
			t.Errorf("Raw of a page %s within two steps: %v", h, err)
		}
	}
	resetBaseCache(db)
	if _, err := db.Raw(ctx, hashes[2]); err == nil || !strings.Contains(err.Error(), "steps") {
		t.Errorf("Raw three steps from a zstd blob = %v, want refused", err)
	}
}

// BenchmarkFirstSnapshot prepares the first page of a source (the 570 KB
// bench page) per op, on its own and with the base of another page of
// its vendor (a help article on the same site: same bundled scripts,
// other words) as dictionary, and reports the bytes it would store.
func BenchmarkFirstSnapshot(b *testing.B) {
	for _, c := range []struct{ name, vendor string }{{"alone", ""}, {"vendor-dictionary", "bench"}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			db := MustOpen(b)
			sibling := fixture.RetentionArticle(true)
			sibling.Pad, sibling.Noise = 570<<10, 1
			putText(b, db, "bench-retention", "bench", t0, sibling.HTML(), false)
			raw := benchPage(2)
			var stored int
			b.ResetTimer()
			for range b.N {
				p, err := db.PrepareRaw(ctx, "bench-terms", c.vendor, raw, false)
				if err != nil {
					b.Fatal(err)
				}
				stored = len(p.data)
			}
			b.ReportMetric(float64(stored), "B/page")
		})
	}
}
