package diff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// corpusText is the folder of real page text, relative to this package.
const corpusText = "../../../shared/corpus/text"

// readPieces returns the text pieces of one corpus file: the parts between
// a "~~~~text" line and the next "~~~~" line.
func readPieces(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read corpus file %s: %v", file, err)
	}
	var pieces []string
	var cur []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "~~~~text":
			in, cur = true, nil
		case in && strings.TrimSpace(line) == "~~~~":
			in = false
			pieces = append(pieces, strings.Join(cur, "\n"))
		case in:
			cur = append(cur, line)
		}
	}
	return pieces
}

// pieceClauses turns a piece into clauses: every non-empty line is one;
// a short line without final punctuation is taken as a heading and opens
// the path of the lines after it, the way an extractor would.
func pieceClauses(name, piece string) []terms.Clause {
	var cs []terms.Clause
	path := []string{name}
	for _, line := range strings.Split(piece, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if len(strings.Fields(line)) <= 8 && !strings.ContainsAny(line[len(line)-1:], ".:;,!?") {
			path = []string{name, line}
			continue
		}
		cs = append(cs, terms.Clause{Path: append([]string(nil), path...), Kind: terms.KindParagraph, Text: line})
	}
	return cs
}

func corpusFiles(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(corpusText); err != nil {
		t.Skipf("real page corpus absent (%s not found; a fresh clone has none): %v", corpusText, err)
	}
	files, err := filepath.Glob(filepath.Join(corpusText, "*.md"))
	if err != nil || len(files) == 0 {
		t.Skipf("no corpus text files under %s: %v", corpusText, err)
	}
	return files
}

// TestCorpusVersions aligns each stored version of a real page with the
// next one (both ways) and checks the invariants of the alignment and of
// every word diff.
func TestCorpusVersions(t *testing.T) {
	pairs := 0
	for _, file := range corpusFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".md")
		pieces := readPieces(t, file)
		for k := 1; k < len(pieces); k++ {
			before := pieceClauses(name, pieces[k-1])
			after := pieceClauses(name, pieces[k])
			t.Run(name+"/"+string(rune('0'+k)), func(t *testing.T) {
				checkInvariants(t, before, after, Clauses(before, after))
				checkInvariants(t, after, before, Clauses(after, before))
			})
			pairs++
		}
	}
	if pairs == 0 {
		t.Skip("corpus has no file with several versions")
	}
}

// TestCorpusReworded checks two stored versions of the zero-retention
// article whose paragraphs were reworded, not replaced: the reworded
// paragraphs must come out as changed, not as removed and added.
func TestCorpusReworded(t *testing.T) {
	corpusFiles(t)
	file := filepath.Join(corpusText, "anthropic-zdr-agreement.md")
	pieces := readPieces(t, file)
	if len(pieces) < 3 {
		t.Skipf("%s: want at least 3 pieces, got %d", file, len(pieces))
	}
	before := pieceClauses("zdr", pieces[0])
	after := pieceClauses("zdr", pieces[2])
	cs := Clauses(before, after)
	checkInvariants(t, before, after, cs)
	s := Summarize(cs)
	if s.Removed != 0 || s.Changed+s.Unchanged != len(before) {
		t.Errorf("want all %d paragraphs of the older version matched, got %v (%d unchanged)", len(before), s, s.Unchanged)
	}
	for _, c := range cs {
		if c.Op == Changed && len(c.Words) < 2 {
			t.Errorf("changed clause without a word diff: %+v", c.Words)
		}
	}
}
