package store

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// resetBaseCache empties the decoded-base cache, as a new run starts with.
func resetBaseCache(db *DB) {
	db.codec.mu.Lock()
	db.codec.bases, db.codec.baseOrder = map[string][]byte{}, nil
	db.codec.mu.Unlock()
}

func indexRow(tb testing.TB, db *DB, source string) (base string, data []byte) {
	tb.Helper()
	if err := db.sql.QueryRow(`SELECT base, idx FROM source_bases WHERE source = ?`, source).Scan(hashDest(&base), &data); err != nil {
		tb.Fatalf("base index of %s: %v", source, err)
	}
	return base, data
}

func checkRaws(tb testing.TB, path string, hashes []string, raws [][]byte) {
	tb.Helper()
	db := mustOpenAt(tb, path)
	defer db.Close()
	for i, h := range hashes {
		got, err := db.Raw(context.Background(), h)
		if err != nil {
			tb.Fatalf("Raw(%d): %v", i, err)
		}
		if !bytes.Equal(got, raws[i]) {
			tb.Fatalf("Raw(%d) differs from what was stored", i)
		}
	}
}

// A noise-only page whose noise falls where it fell before is patched
// through the base index: the base is neither read nor decoded.
func TestNoisePatchedWithoutReadingTheBase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	page := newNoisyPage(200_000, 3)
	rng := rand.New(rand.NewPCG(1, 2))
	var raws [][]byte
	var hashes []string
	put := func() string {
		raw := page.fill(rng)
		raws = append(raws, raw)
		h := putFetch(t, db, "acme-terms", t0.Add(time.Duration(len(raws))*time.Hour), raw)
		hashes = append(hashes, h)
		return h
	}
	first := put()
	if base, _ := indexRow(t, db, "acme-terms"); base != first {
		t.Fatalf("base index of the first page names %s, want %s", base, first)
	}
	put() // the first noise: learnt against the decoded base
	if n := db.codec.decoded.Load(); n != 1 {
		t.Fatalf("first noise page decoded %d blobs, want 1 (its base)", n)
	}
	resetBaseCache(db)
	for range 20 {
		h := put()
		if c, base := blobCodec(t, db, h); c != codecPatch || base != first {
			t.Fatalf("noise page stored as %s on %q, want %s on the first page", c, base, codecPatch)
		}
	}
	if n := db.codec.decoded.Load(); n != 1 {
		t.Errorf("20 more noise pages decoded %d blobs in all, want still 1", n)
	}
	db.Close()
	checkRaws(t, path, hashes, raws)
}

// Noise in a place the index does not know, a missing row, a row whose
// base is another page, and a damaged row all fall back to the decoded
// base; the row is written again, and every page reads back exactly.
func TestBaseIndexFallbacks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	page := newNoisyPage(100_000, 4)
	rng := rand.New(rand.NewPCG(3, 4))
	var raws [][]byte
	var hashes []string
	at := 0
	put := func(source string, raw []byte) string {
		at++
		raws = append(raws, raw)
		h := putFetch(t, db, source, t0.Add(time.Duration(at)*time.Hour), raw)
		hashes = append(hashes, h)
		return h
	}
	first := put("acme-terms", page.fill(rng))
	put("acme-terms", page.fill(rng))
	other := put("other-terms", newNoisyPage(120_000, 5).fill(rng))

	fallback := func(name string, raw []byte, damage func()) {
		t.Helper()
		damage()
		resetBaseCache(db)
		before := db.codec.decoded.Load()
		h := put("acme-terms", raw)
		if c, base := blobCodec(t, db, h); c != codecPatch || base != first {
			t.Errorf("%s: stored as %s on %q, want %s on the first page", name, c, base, codecPatch)
		}
		if db.codec.decoded.Load() == before {
			t.Errorf("%s: the base was not decoded: the index was trusted", name)
		}
		if base, data := indexRow(t, db, "acme-terms"); base != first {
			t.Errorf("%s: base index names %s after, want the first page", name, base)
		} else if _, err := db.codec.decompress(data); err != nil {
			t.Errorf("%s: base index not written again: %v", name, err)
		}
		// and the page after is patched through the index again
		before = db.codec.decoded.Load()
		put("acme-terms", page.fill(rng))
		if n := db.codec.decoded.Load() - before; n != 0 {
			t.Errorf("%s: the page after decoded %d blobs, want 0", name, n)
		}
	}
	moved := page.fill(rng)
	i := bytes.Index(moved, []byte("<h2"))
	moved[i+1] = 'H' // a byte no noise ever replaced
	fallback("noise in a new place", moved, func() {})
	fallback("no row", page.fill(rng), func() {
		if _, err := db.sql.ExecContext(ctx, `DELETE FROM source_bases WHERE source = 'acme-terms'`); err != nil {
			t.Fatal(err)
		}
	})
	fallback("row of another page", page.fill(rng), func() {
		if _, err := db.sql.ExecContext(ctx, `UPDATE source_bases SET base = ?, idx = (SELECT idx FROM source_bases WHERE source = 'other-terms') WHERE source = 'acme-terms'`, hashArg(other)); err != nil {
			t.Fatal(err)
		}
	})
	fallback("damaged row", page.fill(rng), func() {
		_, data := indexRow(t, db, "acme-terms")
		data[len(data)/2] ^= 0x55
		if _, err := db.sql.ExecContext(ctx, `UPDATE source_bases SET idx = ? WHERE source = 'acme-terms'`, data); err != nil {
			t.Fatal(err)
		}
	})
	fallback("wrong fingerprints", page.fill(rng), func() {
		base, data := indexRow(t, db, "acme-terms")
		raw, err := db.codec.decompress(data)
		if err != nil {
			t.Fatal(err)
		}
		var size int
		if err := db.sql.QueryRow(`SELECT size FROM blobs WHERE hash = ?`, hashArg(base)).Scan(&size); err != nil {
			t.Fatal(err)
		}
		ix, err := decodeBaseIndex(raw, size)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ix.fps {
			ix.fps[i] ^= 1
		}
		if _, err := db.sql.ExecContext(ctx, `UPDATE source_bases SET idx = ? WHERE source = 'acme-terms'`, db.codec.compress(ix.encode())); err != nil {
			t.Fatal(err)
		}
	})
	if err := db.QuickCheck(ctx); err != nil {
		t.Error(err)
	}
	db.Close()
	checkRaws(t, path, hashes, raws)
}

// A page that changed for real becomes its source's new base.
func TestBaseIndexFollowsNewBase(t *testing.T) {
	db := mustOpenAt(t, filepath.Join(t.TempDir(), "clausewatch.db"))
	rng := rand.New(rand.NewPCG(5, 6))
	putFetch(t, db, "acme-terms", t0, newNoisyPage(80_000, 6).fill(rng))
	redesign := putFetch(t, db, "acme-terms", t0.Add(time.Hour), newNoisyPage(90_000, 7).fill(rng))
	if c, _ := blobCodec(t, db, redesign); c != codecZstd {
		t.Fatalf("redesigned page stored as %s, want %s", c, codecZstd)
	}
	if base, _ := indexRow(t, db, "acme-terms"); base != redesign {
		t.Errorf("base index names %s, want the redesigned page %s", base, redesign)
	}
}

func TestBaseIndexCodec(t *testing.T) {
	raw := bytes.Repeat([]byte("0123456789abcdef"), 64) // 1024 bytes
	vol, err := learn(len(raw), []span{{100, 110}}, makeTestPatch(raw, []span{{2, 3}, {105, 120}, {400, 410}, {1020, 1024}}))
	if err != nil {
		t.Fatal(err)
	}
	// volSlack ≥ 5 covers {100, 110}; the first two runs lie within volGap
	// of each other and are one; the others are farther apart
	want := []span{{0, 120 + volSlack}, {400 - volSlack, 410 + volSlack}, {1020 - volSlack, 1024}}
	if len(vol) != len(want) {
		t.Fatalf("learnt %v, want %v", vol, want)
	}
	for i := range want {
		if vol[i] != want[i] {
			t.Fatalf("learnt %v, want %v", vol, want)
		}
	}
	if wide, err := learn(len(raw), []span{{0, len(raw)/maxVolatile + 1}}, makeTestPatch(raw, []span{{500, 501}})); err != nil ||
		len(wide) != 1 || wide[0] != (span{500 - volSlack, 501 + volSlack}) {
		t.Errorf("learnt over a base mostly volatile = %v, %v: want only the new run", wide, err)
	}
	ix := newBaseIndex(raw, vol)
	got, err := decodeBaseIndex(ix.encode(), len(raw))
	if err != nil {
		t.Fatal(err)
	}
	next := bytes.Clone(raw)
	next[3], next[110], next[1023] = 'x', 'y', 'z'
	patch, ok := got.patch(next, len(raw))
	if !ok {
		t.Fatal("noise in the volatile runs: no patch")
	}
	if back, err := applyPatch(raw, patch); err != nil || !bytes.Equal(back, next) {
		t.Fatalf("patch does not rebuild the page: %v", err)
	}
	if whole, _ := makePatch(raw, next, len(raw)); !bytes.Equal(patch, whole) {
		t.Errorf("patch through the index %x, want makePatch's %x", patch, whole)
	}
	next[250] = 'w'
	if _, ok := got.patch(next, len(raw)); ok {
		t.Error("a change in a stable segment was patched")
	}
	if _, ok := got.patch(raw[1:], len(raw)); ok {
		t.Error("a page of another length was patched")
	}
	if _, ok := got.patch(next, 5); ok {
		t.Error("a patch over the limit was taken")
	}
	if _, err := decodeBaseIndex(ix.encode(), len(raw)+1); err == nil {
		t.Error("an index of another size decoded")
	}
	enc := ix.encode()
	for _, bad := range [][]byte{nil, enc[:len(enc)-1], append(bytes.Clone(enc), 0)} {
		if _, err := decodeBaseIndex(bad, len(raw)); err == nil {
			t.Errorf("damaged index %x… decoded", bad[:min(len(bad), 8)])
		}
	}
}

// makeTestPatch is a patch replacing the runs of raw with 'Z's.
func makeTestPatch(raw []byte, runs []span) []byte {
	next := bytes.Clone(raw)
	for _, r := range runs {
		for i := r.start; i < r.stop; i++ {
			next[i] = 'Z'
		}
	}
	p, _ := makePatch(raw, next, len(raw))
	return p
}

// An old page imported after the current one does not displace the
// current base: the next fetch is still a patch on it.
func TestOldImportKeepsTheBase(t *testing.T) {
	db := MustOpen(t)
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := newNoisyPage(60_000, 12), newNoisyPage(60_000, 13)
	putFetch(t, db, "s", t0, a.fill(rng))
	hb := putFetch(t, db, "s", t0.Add(2*time.Hour), b.fill(rng)) // redesign
	putFetch(t, db, "s", t0.Add(3*time.Hour), b.fill(rng))
	old := putFetch(t, db, "s", t0.Add(time.Hour), a.fill(rng)) // imported later
	if c, _ := blobCodec(t, db, old); c != codecZstd {
		t.Fatalf("setup: old import stored as %s", c)
	}
	for i := range 3 {
		h := putFetch(t, db, "s", t0.Add(time.Duration(4+i)*time.Hour), b.fill(rng))
		if c, base := blobCodec(t, db, h); c != codecPatch || base != hb {
			t.Errorf("fetch %d after the import stored as %s on %.8s, want %s on %.8s", i, c, base, codecPatch, hb)
		}
	}
}

// Noise that comes in clusters (a page's block of script tags in another
// order on each request, their nonces and hashed names) is learnt from the
// first noise page: the pages after it are patched through the index.
func TestClusteredNoiseLearntOnce(t *testing.T) {
	db := mustOpenAt(t, filepath.Join(t.TempDir(), "clausewatch.db"))
	page := fixture.ConsumerTerms(fixture.TrainingNever)
	page.Pad = 300 << 10
	for i := 1; i <= 24; i++ {
		p := page
		p.Noise = uint64(i) * 7919
		putFetch(t, db, "acme-terms", t0.Add(time.Duration(i)*time.Hour), p.HTML())
		if i == 2 {
			if n := db.codec.decoded.Load(); n != 1 {
				t.Fatalf("the first noise page decoded %d blobs, want 1 (its base)", n)
			}
			resetBaseCache(db)
		}
	}
	if n := db.codec.decoded.Load(); n != 1 {
		t.Errorf("22 more noise pages decoded %d blobs, want none", n-1)
	}
}
