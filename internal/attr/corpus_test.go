package attr

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// corpusDir is the folder of real vendor text, beside the repository.
const corpusDir = "../../../shared/corpus/text"

// piece is one stored copy of a vendor page in the corpus.
type piece struct {
	file, title string
	text        string
}

var (
	pieceHeadRe = regexp.MustCompile(`(?m)^## (Piece \d+[^\n]*)\n`)
	listMarkRe  = regexp.MustCompile(`^(?:[•*\-]|\d{1,2}[.)])\s+`)
	tableSepRe  = regexp.MustCompile(`^\|?\s*:?-{3,}`)
)

// loadPieces reads the pieces of a corpus file, skipping the test when the
// corpus is absent (a fresh clone has no shared folder beside it).
func loadPieces(t *testing.T, name string) []piece {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if os.IsNotExist(err) {
		t.Skipf("corpus file %s absent (the shared corpus is not beside this clone): skipping real-text test", name)
	}
	if err != nil {
		t.Fatalf("read corpus %s: %v", name, err)
	}
	s := string(b)
	var out []piece
	locs := pieceHeadRe.FindAllStringSubmatchIndex(s, -1)
	for i, l := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		body := s[l[1]:end]
		a := strings.Index(body, "~~~~text\n")
		if a < 0 {
			continue
		}
		rest := body[a+len("~~~~text\n"):]
		z := strings.Index(rest, "\n~~~~")
		if z < 0 {
			z = len(rest)
		}
		out = append(out, piece{file: name, title: s[l[2]:l[3]], text: rest[:z]})
	}
	if len(out) == 0 {
		t.Fatalf("corpus %s: no pieces found", name)
	}
	return out
}

// pieceClauses builds one clause per non-empty line of a piece: list
// markers make list items, "|" lines table rows (separator rows dropped);
// a short line without final punctuation becomes the heading path of the
// lines after it.
func pieceClauses(text string) []terms.Clause {
	var out []terms.Clause
	var path []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || tableSepRe.MatchString(line) {
			continue
		}
		kind := terms.KindParagraph
		switch {
		case strings.HasPrefix(line, "|"):
			kind = terms.KindTableRow
		case listMarkRe.MatchString(line):
			kind = terms.KindListItem
			line = listMarkRe.ReplaceAllString(line, "")
		case strings.HasPrefix(line, "#"):
			path = []string{strings.TrimSpace(strings.TrimLeft(line, "#"))}
			continue
		case len(line) < 80 && !strings.ContainsAny(line[len(line)-1:], ".:;!?,)"),
			len(line) < 120 && strings.HasSuffix(line, "?"):
			path = []string{line}
			continue
		}
		out = append(out, terms.Clause{Path: append([]string(nil), path...), Kind: kind, Text: line})
	}
	return out
}

func TestCorpusDump(t *testing.T) {
	if os.Getenv("ATTR_DUMP") == "" {
		t.Skip("set ATTR_DUMP=1 to print readings of every corpus piece")
	}
	ents, _ := os.ReadDir(corpusDir)
	for _, e := range ents {
		if e.Name() == "README.md" {
			continue
		}
		for _, p := range loadPieces(t, e.Name()) {
			cs := pieceClauses(p.text)
			tr, rt := ReadTraining(cs), ReadRetention(cs)
			t.Logf("%s / %s\n  training=%v (%s)\n  retention=%v (%s)", p.file, p.title, tr.Value, tr.Value.Reason, rt.Value, rt.Value.Reason)
			if os.Getenv("ATTR_DUMP") == "2" {
				for _, s := range tr.Sentences {
					t.Logf("    T: %s", s)
				}
				for _, s := range rt.Sentences {
					t.Logf("    R: %s", s)
				}
			}
		}
	}
}
