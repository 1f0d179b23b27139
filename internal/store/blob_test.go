package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// noisyPage builds a synthetic page shaped like a script-heavy vendor page:
// one long line of nested markup, inline styles with hashed class names, a
// large inline JSON state blob repeating the text, and noise that changes on
// every fetch (a build id, script nonces, a request id). The words are our
// own. pageTemplate returns the page with placeholders; fill puts one fetch's
// noise in.
type noisyPage struct {
	template string
}

const (
	phBuild   = "\x00BUILD\x00"
	phNonce   = "\x00NONCE\x00"
	phRequest = "\x00REQUEST\x00"
)

var pageWords = strings.Fields(`account agreement assistant billing clause console
	customer data deletion document enterprise export feedback input license
	material model notice organisation output period platform policy processing
	prompt provider record request retention review safety schedule section
	service setting storage subscription team term tier training update usage
	workspace archive backup contract default duration exception feature limit`)

func newNoisyPage(targetSize int, seed uint64) noisyPage {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sentence := func() string {
		n := 8 + rng.IntN(14)
		w := make([]string, n)
		for i := range w {
			w[i] = pageWords[rng.IntN(len(pageWords))]
		}
		s := strings.Join(w, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	class := func() string { return fmt.Sprintf("css-%06x", rng.Uint32()&0xffffff) }
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Synthetic Terms</title>`)
	b.WriteString(`<script nonce="` + phNonce + `" src="/_app/static/` + phBuild + `/main.js"></script>`)
	b.WriteString(`<style nonce="` + phNonce + `">`)
	for range 300 {
		fmt.Fprintf(&b, ".%s{margin:%dpx %dpx;color:#%06x}", class(), rng.IntN(40), rng.IntN(40), rng.Uint32()&0xffffff)
	}
	b.WriteString(`</style></head><body><div id="root" data-request="` + phRequest + `"><main class="` + class() + `">`)
	var state strings.Builder
	section := 0
	for b.Len()+state.Len() < targetSize-2000 {
		section++
		fmt.Fprintf(&b, `<section class="%s" id="s%d"><h2 class="%s"><span>%d. %s</span></h2>`, class(), section, class(), section, sentence())
		for range 3 + rng.IntN(5) {
			p := sentence() + " " + sentence() + " " + sentence()
			fmt.Fprintf(&b, `<div class="%s"><p class="%s" data-block="%08x">%s</p></div>`, class(), class(), rng.Uint32(), p)
			fmt.Fprintf(&state, `{"type":"paragraph","key":"%08x","text":%q},`, rng.Uint32(), p)
		}
		if rng.IntN(3) == 0 {
			b.WriteString(`<ul class="` + class() + `">`)
			for range 2 + rng.IntN(4) {
				fmt.Fprintf(&b, `<li class="%s"><a href="/terms/%d#%s">%s</a></li>`, class(), section, class(), sentence())
			}
			b.WriteString(`</ul>`)
		}
		b.WriteString(`</section>`)
	}
	b.WriteString(`</main></div><script id="__STATE__" type="application/json" nonce="` + phNonce + `">{"buildId":"` + phBuild + `","blocks":[`)
	b.WriteString(strings.TrimSuffix(state.String(), ","))
	b.WriteString(`]}</script><script nonce="` + phNonce + `">window.__boot("` + phBuild + `")</script></body></html>`)
	return noisyPage{template: b.String()}
}

// fill returns one fetch of the page with fresh noise from rng.
func (p noisyPage) fill(rng *rand.Rand) []byte {
	token := func(n int) string {
		const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	build, nonce := token(21), token(22)
	s := strings.NewReplacer(phBuild, build, phNonce, nonce, phRequest, token(32)).Replace(p.template)
	return []byte(s)
}

// putFetch stores raw as source's snapshot at t in its own transaction and
// putText is putFetch through PrepareRaw with the source's vendor and
// whether the page holds a new text.
func putText(tb testing.TB, db *DB, source, vendor string, t time.Time, raw []byte, newText bool) string {
	tb.Helper()
	ctx := context.Background()
	p, err := db.PrepareRaw(ctx, source, vendor, raw, newText)
	if err != nil {
		tb.Fatal(err)
	}
	var hash string
	mustTransact(tb, db, func(tx *Tx) error {
		if hash, err = tx.PutPrepared(ctx, p); err != nil {
			return err
		}
		_, err = tx.InsertSnapshot(ctx, terms.Snapshot{Source: source, FetchedAt: t, Status: 200,
			ContentHash: hash, Size: int64(len(raw)), Origin: "check"})
		return err
	})
	return hash
}

// returns the content hash.
func putFetch(tb testing.TB, db *DB, source string, t time.Time, raw []byte) string {
	tb.Helper()
	ctx := context.Background()
	var hash string
	mustTransact(tb, db, func(tx *Tx) error {
		var err error
		if hash, err = tx.PutRaw(ctx, source, raw); err != nil {
			return err
		}
		_, err = tx.InsertSnapshot(ctx, terms.Snapshot{Source: source, FetchedAt: t, Status: 200,
			ContentHash: hash, Size: int64(len(raw)), Origin: "check"})
		return err
	})
	return hash
}

func blobCodec(tb testing.TB, db *DB, hash string) (codecName, base string) {
	tb.Helper()
	if err := db.sql.QueryRow(`SELECT codec, base FROM blobs WHERE hash = ?`, hashArg(hash)).Scan(&codecName, hashDest(&base)); err != nil {
		tb.Fatalf("blob %s: %v", hash, err)
	}
	return codecName, base
}

func TestPutRawDedup(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	raw := []byte("<html><body><p>The same page twice.</p></body></html>")
	h1 := putFetch(t, db, "acme-terms", t0, raw)
	h2 := putFetch(t, db, "acme-terms", t0.Add(time.Hour), raw)
	h3 := putFetch(t, db, "other-terms", t0, raw) // another source, same bytes
	if h1 != terms.HashBytes(raw) || h2 != h1 || h3 != h1 {
		t.Errorf("hashes %s %s %s, want all %s", h1, h2, h3, terms.HashBytes(raw))
	}
	if n := countRows(t, db, "blobs"); n != 1 {
		t.Errorf("blobs = %d, want 1", n)
	}
	if n := countRows(t, db, "snapshots"); n != 3 {
		t.Errorf("snapshots = %d, want 3", n)
	}
	got, err := db.Raw(ctx, h1)
	if err != nil || !bytes.Equal(got, raw) {
		t.Errorf("Raw = %q, %v; want the page", got, err)
	}
}

func TestPutRawNoiseIsStoredAsSmallDeltas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	page := newNoisyPage(570_000, 1)
	rng := rand.New(rand.NewPCG(7, 8))

	first := page.fill(rng)
	if len(first) < 540_000 || len(first) > 600_000 {
		t.Fatalf("synthetic page is %d bytes, want about 570 KB", len(first))
	}
	const variants = 200
	raws := [][]byte{first}
	hashes := []string{putFetch(t, db, "acme-terms", t0, first)}
	if c, _ := blobCodec(t, db, hashes[0]); c != codecZstd {
		t.Fatalf("first page stored as %s, want %s (no base yet)", c, codecZstd)
	}
	before, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range variants {
		raw := page.fill(rng)
		raws = append(raws, raw)
		hashes = append(hashes, putFetch(t, db, "acme-terms", t0.Add(time.Duration(i+1)*time.Hour), raw))
	}
	after, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Blobs != variants+1 || after.DeltaBlobs != variants {
		t.Errorf("blobs %d (deltas %d), want %d (%d)", after.Blobs, after.DeltaBlobs, variants+1, variants)
	}
	perSnapshot := float64(after.BlobBytes-before.BlobBytes) / variants
	amortized := float64(after.BlobBytes) / (variants + 1)
	t.Logf("page %d bytes; first blob %d bytes; %.0f bytes per noisy re-fetch; %.0f amortized", len(first), before.BlobBytes, perSnapshot, amortized)
	if perSnapshot >= 5000 {
		t.Errorf("%.0f bytes stored per noisy re-fetch, want < 5000", perSnapshot)
	}
	if amortized >= 5000 {
		t.Errorf("%.0f bytes stored per snapshot including the first, want < 5000", amortized)
	}
	var chained int
	if err := db.sql.QueryRow(`SELECT COUNT(*) FROM blobs d JOIN blobs b ON b.hash = d.base
		WHERE d.codec = 'zstd-delta' AND b.codec <> 'zstd'`).Scan(&chained); err != nil {
		t.Fatal(err)
	}
	if chained != 0 {
		t.Errorf("%d deltas are based on a delta", chained)
	}

	// Every page reads back exactly, from a fresh handle with a cold cache.
	db.Close()
	db2 := mustOpenAt(t, path)
	for i, h := range hashes {
		got, err := db2.Raw(ctx, h)
		if err != nil {
			t.Fatalf("Raw(%d): %v", i, err)
		}
		if !bytes.Equal(got, raws[i]) {
			t.Fatalf("Raw(%d) differs from what was stored", i)
		}
	}
}

func TestPutRawStandalone(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	page := newNoisyPage(60_000, 2)
	rng := rand.New(rand.NewPCG(3, 4))
	unrelated := make([]byte, 60_000)
	for i := range unrelated {
		unrelated[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name   string
		source string
		raw    []byte
		want   string
	}{
		{"first page of a source", "acme-terms", page.fill(rng), codecZstd},
		{"noise re-fetch", "acme-terms", page.fill(rng), codecPatch},
		{"noise that moves bytes", "acme-terms", append([]byte("<!-- a longer build banner -->"), page.fill(rng)...), codecDelta},
		{"similar page of another source", "acme-privacy", page.fill(rng), codecZstd},
		{"unrelated bytes", "acme-terms", unrelated, codecZstd},
		{"empty page", "acme-empty", nil, codecZstd},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := putFetch(t, db, tt.source, t0.Add(time.Duration(i)*time.Hour), tt.raw)
			c, base := blobCodec(t, db, h)
			if c != tt.want {
				t.Errorf("codec = %s, want %s", c, tt.want)
			}
			if (c == codecZstd) != (base == "") {
				t.Errorf("codec %s with base %q", c, base)
			}
			got, err := db.Raw(ctx, h)
			if err != nil || !bytes.Equal(got, tt.raw) {
				t.Errorf("Raw round trip failed: %v", err)
			}
		})
	}
}

func TestPutRawBaseIsLatestFullBlob(t *testing.T) {
	db := MustOpen(t)
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := newNoisyPage(40_000, 10), newNoisyPage(40_000, 11)
	ha := putFetch(t, db, "s", t0, a.fill(rng))
	putFetch(t, db, "s", t0.Add(1*time.Hour), a.fill(rng))       // delta on ha
	hb := putFetch(t, db, "s", t0.Add(2*time.Hour), b.fill(rng)) // redesign: full
	hb2 := putFetch(t, db, "s", t0.Add(3*time.Hour), b.fill(rng))
	// An import of an old fetch: the base is still the latest by fetched_at.
	hOld := putFetch(t, db, "s", t0.Add(-time.Hour), a.fill(rng))
	tests := []struct {
		name      string
		hash      string
		wantCodec string
		wantBase  string
	}{
		{"first", ha, codecZstd, ""},
		{"redesign", hb, codecZstd, ""},
		{"after redesign", hb2, codecPatch, hb},
		{"old import", hOld, codecZstd, ""}, // b as dictionary does not help a
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, base := blobCodec(t, db, tt.hash)
			if c != tt.wantCodec || base != tt.wantBase {
				t.Errorf("codec, base = %s, %.8s; want %s, %.8s", c, base, tt.wantCodec, tt.wantBase)
			}
		})
	}
}

func TestRawErrors(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	rng := rand.New(rand.NewPCG(1, 2))
	page := newNoisyPage(30_000, 3)
	full := putFetch(t, db, "s", t0, page.fill(rng))
	delta := putFetch(t, db, "s", t0.Add(time.Hour), page.fill(rng))
	if c, _ := blobCodec(t, db, delta); c != codecDelta && c != codecPatch {
		t.Fatalf("setup: second page is %s", c)
	}

	if _, err := db.Raw(ctx, strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Raw of an unknown hash = %v, want ErrNotFound", err)
	}
	// Corrupt both blobs behind the store's back: the stored bytes no
	// longer match their hashes, and a fresh handle must say so rather than
	// return the wrong page.
	other := db.codec.compress([]byte("some other page"))
	if _, err := db.sql.Exec(`UPDATE blobs SET data = ? WHERE hash = ?`, other, hashArg(full)); err != nil {
		t.Fatal(err)
	}
	db2 := mustOpenAt(t, db.Path())
	for _, h := range []string{full, delta} {
		if _, err := db2.Raw(ctx, h); err == nil || !strings.Contains(err.Error(), h) {
			t.Errorf("Raw of corrupted %.8s = %v, want an error naming it", h, err)
		}
	}
}

// BenchmarkPutRawNoise stores noisy re-fetches of a 570 KB page and reports
// the bytes stored per snapshot.
func BenchmarkPutRawNoise(b *testing.B) {
	db := MustOpen(b)
	page := newNoisyPage(570_000, 1)
	rng := rand.New(rand.NewPCG(7, 8))
	putFetch(b, db, "acme-terms", t0, page.fill(rng))
	before, err := db.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	raws := make([][]byte, b.N)
	for i := range raws {
		raws[i] = page.fill(rng)
	}
	b.SetBytes(int64(len(raws[0])))
	b.ResetTimer()
	for i := range b.N {
		putFetch(b, db, "acme-terms", t0.Add(time.Duration(i+1)*time.Minute), raws[i])
	}
	b.StopTimer()
	after, err := db.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(after.BlobBytes-before.BlobBytes)/float64(b.N), "bytes/snapshot")
}

// corpusDir holds real vendor pages when the project sits beside its
// shared folder; tests using it skip without it.
const corpusDir = "../../../shared/corpus/latest"

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// renoise replaces the first max distinct UUIDs of page (every occurrence)
// with fresh random ones, as per-request ids and nonces change on a re-fetch.
func renoise(page []byte, max int, rng *rand.Rand) []byte {
	fresh := map[string][]byte{}
	return uuidRE.ReplaceAllFunc(page, func(u []byte) []byte {
		if r, ok := fresh[string(u)]; ok {
			return r
		}
		if len(fresh) >= max {
			return u
		}
		r := []byte(fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff,
			rng.Uint32()&0xfff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff))
		fresh[string(u)] = r
		return r
	})
}

func TestPutRawRealPages(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("no real pages to test against (%s absent: a fresh clone has no shared corpus)", corpusDir)
	}
	ctx := context.Background()
	const refetches = 20
	tests := []struct {
		name  string
		file  string
		noisy int // distinct ids changed per re-fetch
		limit float64
	}{
		{"consumer terms, a few nonces", "Claude.ai/Terms of Service.html", 10, 5000},
		{"privacy policy, a few nonces", "Claude.ai/Privacy Policy #legal-privacy.html", 10, 5000},
		{"consumer terms, every id changes", "Claude.ai/Terms of Service.html", 1000, 0}, // logged only
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join(corpusDir, tt.file))
			if err != nil {
				t.Skipf("%s: %v", tt.file, err)
			}
			db := MustOpen(t)
			rng := rand.New(rand.NewPCG(11, 12))
			putFetch(t, db, "real", t0, page)
			before, err := db.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var last []byte
			var lastHash string
			for i := range refetches {
				last = renoise(page, tt.noisy, rng)
				lastHash = putFetch(t, db, "real", t0.Add(time.Duration(i+1)*time.Hour), last)
			}
			after, err := db.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			per := float64(after.BlobBytes-before.BlobBytes) / refetches
			t.Logf("%s: %d bytes, first blob %d bytes, %.0f bytes per re-fetch", tt.file, len(page), before.BlobBytes, per)
			if tt.limit > 0 && per >= tt.limit {
				t.Errorf("%.0f bytes per re-fetch, want < %.0f", per, tt.limit)
			}
			if got, err := db.Raw(ctx, lastHash); err != nil || !bytes.Equal(got, last) {
				t.Errorf("Raw round trip failed: %v", err)
			}
		})
	}
}

func TestPatchRoundTrip(t *testing.T) {
	base := []byte(strings.Repeat("<script nonce=\"abcdefgh\">x()</script>", 200))
	cases := map[string]func([]byte) []byte{
		"identical":      func(b []byte) []byte { return b },
		"one byte":       func(b []byte) []byte { b[17] = 'Z'; return b },
		"first and last": func(b []byte) []byte { b[0], b[len(b)-1] = 'A', 'B'; return b },
		"every nonce":    func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("abcdefgh"), []byte("hgfedcba")) },
		"close runs":     func(b []byte) []byte { b[100], b[103], b[110] = '1', '2', '3'; return b },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			next := change(bytes.Clone(base))
			patch, ok := makePatch(base, next, len(next))
			if !ok {
				t.Fatal("no patch")
			}
			got, err := applyPatch(base, patch)
			if err != nil || !bytes.Equal(got, next) {
				t.Fatalf("round trip failed: %v", err)
			}
		})
	}
	if _, ok := makePatch(base, base[1:], 1<<20); ok {
		t.Error("a patch across different lengths")
	}
	next := bytes.ReplaceAll(base, []byte("abcdefgh"), []byte("hgfedcba"))
	if _, ok := makePatch(base, next, 100); ok {
		t.Error("a patch over its size limit")
	}
	if _, err := applyPatch(base, []byte{0xff}); err == nil {
		t.Error("a corrupt patch applied")
	}
	if _, err := applyPatch(base, binary.AppendUvarint(binary.AppendUvarint(nil, uint64(len(base))), 5)); err == nil {
		t.Error("a patch past the end applied")
	}
}
