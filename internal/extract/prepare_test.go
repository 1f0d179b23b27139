package extract

import (
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// page is a page of our own words: a script, navigation and a main whose
// text the cases vary.
func keyPage(script, nav, main string) []byte {
	return []byte(`<!DOCTYPE html><html><head><title>Sample terms</title><script>var build="` + script + `";</script></head><body>` +
		`<nav><a href="/x">` + nav + `</a></nav><main><h1>Sample terms</h1><p>` + main + `</p>` +
		`<p>` + strings.Repeat("The service keeps what you send for thirty days. ", 6) + `</p></main></body></html>`)
}

// TestPrepareKey: the key changes when what the reading sees changes (the
// selection, the declaration, the kind of page, the rules' version) and
// only then.
func TestPrepareKey(t *testing.T) {
	base := Options{Select: []string{"main"}, Auto: true}
	key := func(raw []byte, ct string, o Options) string {
		t.Helper()
		return Prepare(raw, ct, o).Key
	}
	k0 := key(keyPage("a1", "Home", "We may change these terms."), "text/html", base)
	if k0 == "" {
		t.Fatal("no key for a page with a valid selector")
	}
	tests := []struct {
		name string
		raw  []byte
		ct   string
		opts Options
		same bool
	}{
		{"noise outside the selection", keyPage("b2", "Start", "We may change these terms."), "text/html", base, true},
		{"charset parameter of an ASCII page", keyPage("a1", "Home", "We may change these terms."), "text/html; charset=utf-8", base, true},
		{"the selection changed", keyPage("a1", "Home", "We may change these terms at any time."), "text/html", base, false},
		{"another selector", keyPage("a1", "Home", "We may change these terms."), "text/html", Options{Select: []string{"body"}, Auto: true}, false},
		{"a removal added", keyPage("a1", "Home", "We may change these terms."), "text/html", Options{Select: []string{"main"}, Remove: []string{"h1"}, Auto: true}, false},
		{"another minimum", keyPage("a1", "Home", "We may change these terms."), "text/html", Options{Select: []string{"main"}, Auto: true, MinText: 10}, false},
		{"read as text", keyPage("a1", "Home", "We may change these terms."), "text/plain", base, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := key(tt.raw, tt.ct, tt.opts); (got == k0) != tt.same {
				t.Errorf("key equal to the first page's: %v, want %v", got == k0, tt.same)
			}
		})
	}
}

// TestPrepareKeyWholePage: a selector a scan cannot match (a combinator)
// keys the whole page, so noise outside the content changes the key; no
// selector at all does too.
func TestPrepareKeyWholePage(t *testing.T) {
	for _, sel := range [][]string{{"body > main"}, nil} {
		o := Options{Select: sel}
		a := Prepare(keyPage("a1", "Home", "We may change these terms."), "text/html", o).Key
		b := Prepare(keyPage("b2", "Home", "We may change these terms."), "text/html", o).Key
		if a == "" || a == b {
			t.Errorf("select %q: keys %q and %q, want two different ones", sel, a, b)
		}
	}
}

// TestPrepareRead: Read is Page, and a selector that does not compile
// gives no key and Page's error.
func TestPrepareRead(t *testing.T) {
	raw := keyPage("a1", "Home", "We may change these terms.")
	o := Options{Select: []string{"main"}}
	got, err := Prepare(raw, "text/html", o).Read()
	want, werr := Extract(raw, o)
	if err != nil || werr != nil {
		t.Fatalf("Read: %v; Extract: %v", err, werr)
	}
	if got.Hash() != want.Hash() || got.Method != want.Method {
		t.Errorf("Read = %s by %s, Extract = %s by %s", got.Hash(), got.Method, want.Hash(), want.Method)
	}
	bad := Prepare(raw, "text/html", Options{Select: []string{"main["}})
	if _, err := bad.Read(); bad.Key != "" || err == nil || !strings.Contains(err.Error(), `select[0] "main["`) {
		t.Errorf("bad selector: key %q, error %v; want no key and an error naming select[0]", bad.Key, err)
	}
}

// BenchmarkPrepare: what a page whose selection is the version in force's
// costs (Prepare: the scan and the key) against a full read.
func BenchmarkPrepare(b *testing.B) {
	p := fixture.ConsumerTerms(fixture.TrainingNever)
	p.Pad, p.Noise = 570<<10, 1
	page := p.HTML()
	opts := Options{Select: []string{"main"}, Auto: true}
	b.Run("key", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			if Prepare(page, "text/html", opts).Key == "" {
				b.Fatal("no key")
			}
		}
	})
	b.Run("key+read", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Prepare(page, "text/html", opts).Read(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPrepareKeyAfterWholeRead: a selection that gives no content makes
// Read read the whole page (here: without selectors); the key then is the
// whole page's, so noise outside the selection changes it.
func TestPrepareKeyAfterWholeRead(t *testing.T) {
	short := func(script string) []byte {
		return []byte(`<html><head><title>T</title><script>var b="` + script + `";</script></head><body><aside>Menu</aside>` +
			`<article><h1>Sample terms</h1><p>` + strings.Repeat("The service keeps what you send for thirty days. ", 6) + `</p></article>` +
			`<main>Too short.</main></body></html>`)
	}
	o := Options{Select: []string{"main"}, Auto: true}
	var keys []string
	for _, script := range []string{"a1", "b2"} {
		p := Prepare(short(script), "text/html", o)
		before := p.Key
		x, err := p.Read()
		if err != nil || x.Method != MethodAuto {
			t.Fatalf("Read = %s, %v; want a document found without selectors", x.Method, err)
		}
		if p.Key == before || p.Key == "" {
			t.Errorf("key after a whole read %q, before %q: want the whole page's", p.Key, before)
		}
		keys = append(keys, p.Key)
	}
	if keys[0] == keys[1] {
		t.Errorf("two pages that differ outside the selection, read whole: the same key %q", keys[0])
	}
}
