package extract

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// readWays is a page's selectors and removals as one declaration gives them.
type readWays struct {
	source          string
	select_, remove []string
}

// declaredWays reads the select and remove lists of every document the
// bundled declarations hold.
func declaredWays(t *testing.T) []readWays {
	t.Helper()
	files, err := filepath.Glob("../../sources/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no declarations: %v", err)
	}
	var out []readWays
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Documents []struct {
				ID     string    `yaml:"id"`
				Select yaml.Node `yaml:"select"`
				Remove []string  `yaml:"remove"`
			} `yaml:"documents"`
		}
		if err := yaml.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, d := range v.Documents {
			var sel []string
			switch d.Select.Kind {
			case yaml.ScalarNode:
				sel = []string{d.Select.Value}
			case yaml.SequenceNode:
				if err := d.Select.Decode(&sel); err != nil {
					t.Fatalf("%s: %s: select: %v", f, d.ID, err)
				}
			}
			if len(sel) > 0 {
				out = append(out, readWays{d.ID, sel, d.Remove})
			}
		}
	}
	return out
}

// sameBothWays reads page with opts from the token stream and from the
// whole tree and fails when the two differ in anything.
func sameBothWays(t *testing.T, name string, page []byte, opts Options) (streamed bool) {
	t.Helper()
	full, ferr := extract(page, opts, false)
	fast, serr := extract(page, opts, true)
	if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
		t.Errorf("%s %q: errors differ: whole tree %v; stream %v", name, opts.Select, ferr, serr)
		return false
	}
	if !reflect.DeepEqual(full, fast) {
		for i := range max(len(full.Clauses), len(fast.Clauses)) {
			var a, b string
			if i < len(full.Clauses) {
				a = full.Clauses[i].Heading() + " | " + full.Clauses[i].Text
			}
			if i < len(fast.Clauses) {
				b = fast.Clauses[i].Heading() + " | " + fast.Clauses[i].Text
			}
			if a != b {
				t.Errorf("%s %q: clause %d differs:\nwhole tree: %.200s\nstream:     %.200s", name, opts.Select, i, a, b)
				break
			}
		}
		t.Errorf("%s %q: documents differ (title %q/%q, method %q/%q, %d/%d clauses)", name, opts.Select,
			full.Title, fast.Title, full.Method, fast.Method, len(full.Clauses), len(fast.Clauses))
		return false
	}
	if _, ok := streamSelect(decode(page, opts.Charset), opts.Select, mustCompile(t, opts.Select)); ok {
		return true
	}
	return false
}

func mustCompile(t *testing.T, sels []string) []cascadia.Selector {
	t.Helper()
	out, err := compile("select", sels)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every real page, read with every selector list a declaration gives
// (with its removals), yields the same Document from the token stream as
// from the whole tree.
func TestStreamSameAsTreeOnCorpus(t *testing.T) {
	var pages []string
	filepath.WalkDir(filepath.Join(corpusDir, "latest"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			pages = append(pages, p)
		}
		return nil
	})
	if len(pages) == 0 {
		t.Skipf("no real pages under %s (the shared corpus is not next to this checkout)", corpusDir)
	}
	ways := declaredWays(t)
	seen := map[string]bool{}
	streamed, total := 0, 0
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ways {
			key := p + "\x00" + strings.Join(w.select_, "\x01") + "\x00" + strings.Join(w.remove, "\x01")
			if seen[key] {
				continue
			}
			seen[key] = true
			total++
			if sameBothWays(t, filepath.Base(p), b, Options{Select: w.select_, Remove: w.remove, Auto: true}) {
				streamed++
			}
		}
	}
	t.Logf("%d page × declaration readings compared; %d read from the stream, the rest from the whole tree", total, streamed)
	if streamed == 0 {
		t.Error("no reading used the stream")
	}
}

// Our fixture pages, in every layout, read the same both ways.
func TestStreamSameAsTreeOnFixtures(t *testing.T) {
	var pages [][]byte
	for _, tr := range []string{fixture.TrainingNever, fixture.TrainingOptOut} {
		p := fixture.ConsumerTerms(tr)
		pages = append(pages, p.HTML())
		p.Pad, p.Noise = 64<<10, 7
		pages = append(pages, p.HTML())
	}
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") {
			b, err := os.ReadFile(filepath.Join("testdata", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, b)
		}
	}
	sels := [][]string{{"main"}, {"article"}, {"#content"}, {".terms", "main"}, {"main", "article"}, {"div.legal"}, {"[role=main]"}, {"main p"}}
	streamed := 0
	for i, p := range pages {
		for _, s := range sels {
			for _, rem := range [][]string{nil, {"nav", "footer"}} {
				if sameBothWays(t, "fixture "+string(rune('A'+i)), p, Options{Select: s, Remove: rem, Auto: true}) {
					streamed++
				}
			}
		}
	}
	if streamed == 0 {
		t.Error("no fixture reading used the stream")
	}
}

func TestStreamable(t *testing.T) {
	for sel, want := range map[string]bool{
		"main": true, "#content": true, ".a, .b": true, `[id^="landings-"]`: true, "div.legal[data-x='a b']": true,
		"main p": false, "main > p": false, "h2 + p": false, "main:not(:has(#x))": false, "#a, main div": false, "": false,
	} {
		if got := streamable(sel); got != want {
			t.Errorf("streamable(%q) = %v, want %v", sel, got, want)
		}
	}
}

// BenchmarkExtractBothWays reads a 570 KB page shaped like the consumer
// terms (the bench's page) from the token stream and from the whole tree.
func BenchmarkExtractBothWays(b *testing.B) {
	p := fixture.ConsumerTerms(fixture.TrainingNever)
	p.Pad, p.Noise = 570<<10, 1
	page := p.HTML()
	opts := Options{Select: []string{"main"}}
	for _, c := range []struct {
		name   string
		stream bool
	}{{"tree", false}, {"stream", true}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := extract(page, opts, c.stream); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
