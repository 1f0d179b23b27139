package attr_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// benchVendor is the vendor the check-run benchmark declares (internal/bench):
// one consumer tier, one page, a training rule on its "Use of your content"
// clause.
func benchVendor() (terms.Vendor, terms.Source) {
	src := terms.Source{ID: "bench-0000", Vendor: "bench", URL: "https://example.test/doc/0", Select: []string{"main"}, Tiers: []string{"consumer"}}
	v := terms.Vendor{
		ID: "bench", Name: "Bench",
		Tiers:   []terms.Tier{{ID: "consumer", Label: "Consumer"}},
		Sources: []terms.Source{src},
		Rules:   []terms.Rule{{Source: src.ID, Tiers: []string{"consumer"}, Attribute: "training", Clause: "Use of your content"}},
	}
	return v, src
}

// BenchmarkObserveFixture reads the page of the check-run benchmark (our own
// consumer terms, padded to the size of the real one) as a check run does:
// one Reader, one page per op; with the Reader's memo (every op after the
// first is served from it), with its gates alone, and with neither.
func BenchmarkObserveFixture(b *testing.B) {
	v, src := benchVendor()
	p := fixture.ConsumerTerms(fixture.TrainingNever)
	p.Pad = 570 << 10
	doc, err := extract.Extract(p.HTML(), extract.Options{Select: src.Select})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("memo", func(b *testing.B) { benchObserve(b, attr.NewReader(v), src, doc.Document) })
	b.Run("gated", func(b *testing.B) { benchObserve(b, attr.NewUnmemoizedReader(v), src, doc.Document) })
	b.Run("ungated", func(b *testing.B) { benchObserve(b, attr.NewUngatedReader(v), src, doc.Document) })
}

// BenchmarkObserveCorpus reads real pages (the shared corpus beside the
// repository), each with its shipped declaration: one op reads one page,
// with the readers' gates and without (no memo either way).
func BenchmarkObserveCorpus(b *testing.B) {
	for _, page := range []struct{ vendor, source, file string }{
		{"anthropic", "anthropic-consumer-terms", "Claude.ai/Terms of Service.html"},
		{"anthropic", "anthropic-privacy-policy", "Claude.ai/Privacy Policy #legal-privacy.html"},
		{"openai", "openai-privacy-policy", "ChatGPT/Privacy Policy #policies-eu-privacy-policy.html"},
	} {
		b.Run(page.source, func(b *testing.B) {
			v, src, doc := corpusPage(b, page.vendor, page.source, page.file)
			b.Run("gated", func(b *testing.B) { benchObserve(b, attr.NewUnmemoizedReader(v), src, doc) })
			b.Run("ungated", func(b *testing.B) { benchObserve(b, attr.NewUngatedReader(v), src, doc) })
		})
	}
}

func benchObserve(b *testing.B, r *attr.Reader, src terms.Source, doc terms.Document) {
	snap := terms.Snapshot{ID: 1, FetchedAt: time.Date(2026, 8, 22, 10, 30, 0, 0, time.UTC)}
	if len(r.Observe(src, doc, snap)) == 0 {
		b.Fatalf("%s: the page reads as nothing", src.ID)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		r.Observe(src, doc, snap)
	}
	// The machines are shared: the process's CPU time says more than the
	// wall clock does.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time the process has used, user and system, in
// nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// corpusPage loads the shipped declaration of vendor, finds source in it and
// extracts the corpus file with its selectors. It skips when the corpus is
// absent.
func corpusPage(tb testing.TB, vendor, id, file string) (terms.Vendor, terms.Source, terms.Document) {
	tb.Helper()
	path := filepath.Join(openaiCorpus, "latest", file)
	page, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		tb.Skipf("real page %s absent (the shared corpus sits beside the repository only in the project workspace)", file)
	}
	if err != nil {
		tb.Fatal(err)
	}
	decl := filepath.Join("../../sources", vendor+".yaml")
	data, err := os.ReadFile(decl)
	if err != nil {
		tb.Fatal(err)
	}
	vendors, err := source.Load(fstest.MapFS{vendor + ".yaml": {Data: data}})
	if err != nil {
		tb.Fatalf("load %s: %v", decl, err)
	}
	v, s, ok := source.Find(vendors, id)
	if !ok {
		tb.Fatalf("%s declares no source %s", decl, id)
	}
	doc, err := extract.Extract(page, extract.Options{Select: s.Select, Remove: s.Remove})
	if err != nil {
		tb.Fatalf("extract %s with the selectors of %s: %v", file, id, err)
	}
	if strings.TrimSpace(doc.Document.Text()) == "" {
		tb.Fatalf("%s: no text", file)
	}
	return v, s, doc.Document
}
