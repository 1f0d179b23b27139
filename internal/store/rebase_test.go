package store

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A new text that cannot be patched on its source's base becomes the
// base, stored on the "zstd" blob under the old one; the noise after it is
// patched on it without decoding anything; a page that is not a new text
// stays a delta on the old base. Everything reads back, in at most two
// steps from a "zstd" blob.
func TestNewTextBecomesItsBase(t *testing.T) {
	for _, vendor := range []string{"acme", ""} {
		name := "on the vendor dictionary"
		if vendor == "" {
			name = "on its own old base"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clausewatch.db")
			db := mustOpenAt(t, path)
			rng := rand.New(rand.NewPCG(5, 6))
			page := newNoisyPage(150_000, 7)
			var raws [][]byte
			var hashes []string
			at := 0
			put := func(source string, raw []byte, newText bool) string {
				at++
				raws = append(raws, raw)
				hashes = append(hashes, putText(t, db, source, vendor, t0.Add(time.Duration(at)*time.Hour), raw, newText))
				return hashes[len(hashes)-1]
			}
			dict := put("acme-terms", page.fill(rng), false)
			source, first := "acme-terms", dict
			if vendor != "" {
				source = "acme-privacy"
				first = put(source, page.fill(rng), false) // a first page on the dictionary
			}
			edited := noisyPage{template: strings.Replace(page.template, "<section", "<section><p>A paragraph of ours, added.</p>", 1)}
			// Not a new text (noise inside the selection): a delta on the old base.
			if h := put(source, edited.fill(rng), false); h != first {
				if c, base := blobCodec(t, db, h); c != codecDelta || base != first {
					t.Fatalf("a page that is no new text stored as %s on %q, want %s on the old base", c, base, codecDelta)
				}
			}
			if base, _ := indexRow(t, db, source); base != first {
				t.Fatalf("the source's base moved to %s without a new text", base)
			}
			rebased := put(source, edited.fill(rng), true)
			if c, base := blobCodec(t, db, rebased); c != codecDelta || base != dict {
				t.Fatalf("the new text stored as %s on %q, want %s on the zstd blob %s", c, base, codecDelta, dict)
			}
			if base, _ := indexRow(t, db, source); base != rebased {
				t.Fatalf("the source's base is %s, want the new text %s", base, rebased)
			}
			put(source, edited.fill(rng), false) // learnt against the new base
			resetBaseCache(db)
			before := db.codec.decoded.Load()
			for range 10 {
				h := put(source, edited.fill(rng), false)
				if c, base := blobCodec(t, db, h); h != rebased && (c != codecPatch || base != rebased) {
					t.Fatalf("noise after the new text stored as %s on %q, want %s on it", c, base, codecPatch)
				}
			}
			if n := db.codec.decoded.Load() - before; n != 0 {
				t.Errorf("10 noise pages after the new text decoded %d blobs, want none", n)
			}
			if vendor != "" {
				// The dictionary's own source gets a new text: its new base is
				// a delta on the dictionary, which stays the vendor's.
				put("acme-terms", page.fill(rng), false)
				if h := put("acme-terms", edited.fill(rng), true); h != dict {
					if c, base := blobCodec(t, db, h); c != codecDelta || base != dict {
						t.Fatalf("the dictionary's source's new text stored as %s on %q, want %s on the dictionary", c, base, codecDelta)
					}
				}
				if c, base := blobCodec(t, db, put("acme-usage", page.fill(rng), false)); c != codecDelta || base != dict {
					t.Errorf("a first page after the dictionary's source moved stored as %s on %q, want %s on the dictionary", c, base, codecDelta)
				}
			}
			checkChainsShort(t, db)
			db.Close()
			checkRaws(t, path, hashes, raws)
		})
	}
}
