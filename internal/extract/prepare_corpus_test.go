package extract

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPrepareCorpus is BenchmarkPrepare on a real page of the corpus.
func BenchmarkPrepareCorpus(b *testing.B) {
	page, err := os.ReadFile(filepath.Join(corpusDir, "latest", "Claude.ai", "Terms of Service.html"))
	if err != nil {
		b.Skipf("no corpus (%v)", err)
	}
	opts := Options{Select: []string{"main"}, Auto: true}
	b.Run("key", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			Prepare(page, "text/html", opts)
		}
	})
	b.Run("key+read", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if _, err := Prepare(page, "text/html", opts).Read(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
