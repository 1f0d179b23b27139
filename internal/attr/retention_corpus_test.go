package attr

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestRetentionCorpusSentences prints, with CLAUSEWATCH_RETENTION_SENTENCES=1,
// every sentence of every real page we hold (HTML copies and every stored
// text piece, older wordings included) that holds a duration or a period
// word, with what readRetention reads from that sentence alone ("-" for
// nothing): the view to check the reader's precision against. It asserts
// nothing. Set it to "read" to print only the sentences that read a value.
func TestRetentionCorpusSentences(t *testing.T) {
	mode := os.Getenv("CLAUSEWATCH_RETENTION_SENTENCES")
	if mode == "" {
		t.Skip("set CLAUSEWATCH_RETENTION_SENTENCES=1 to print the retention readings of the real pages")
	}
	root := filepath.Dir(corpusDir)
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no real pages: %s is absent", root)
	}
	type page struct {
		name string
		doc  terms.Document
	}
	var pages []page
	htmls, _ := filepath.Glob(filepath.Join(root, "latest", "*", "*.html"))
	sort.Strings(htmls)
	for _, f := range htmls {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, sel := range [][]string{{"main"}, {".article, .article_body"}, {"[role=\"article\"]"}, {"#main-col-body"}, nil} {
			if d, err := extract.Extract(b, extract.Options{Select: sel}); err == nil {
				pages = append(pages, page{strings.TrimPrefix(f, root+"/latest/"), d.Document})
				break
			}
		}
	}
	texts, _ := filepath.Glob(filepath.Join(corpusDir, "*.md"))
	sort.Strings(texts)
	for _, f := range texts {
		if filepath.Base(f) == "README.md" {
			continue
		}
		for _, p := range loadPieces(t, filepath.Base(f)) {
			pages = append(pages, page{p.file + " / " + p.title, extract.ExtractText(p.text)})
		}
	}
	for _, p := range pages {
		var lines []string
		for _, s := range sentencesOf(p.doc.Clauses) {
			if len(periodFacts(s.norm)) == 0 && (s.leadIn == "" || len(periodFacts(normalize(s.leadIn))) == 0) {
				continue
			}
			r := readRetention(testLex, []sentence{s})
			v := "-"
			if !r.Value.Unknown {
				v = r.Value.String()
			} else if mode == "read" {
				continue
			}
			lines = append(lines, fmt.Sprintf("  %-40s [%s] %s", v, s.clause.Heading(), s.withLeadIn()))
		}
		if len(lines) > 0 {
			fmt.Printf("== %s\n%s\n", p.name, strings.Join(lines, "\n"))
		}
	}
}
