package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func testData() Data {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	limited, never := terms.Scalar("limited"), terms.Scalar("never")
	v := terms.Vendor{ID: "acme", Name: "Acme AI", Tiers: []terms.Tier{{ID: "team", Label: "Team"}}}
	src := terms.Source{ID: "acme-terms", Vendor: "acme", URL: "https://user:secret@acme.test/terms"}
	ev := &terms.Evidence{Source: "acme-terms", Clause: "Use <b>of</b> data", Text: `We never train on <script>alert(1)</script> team data.`, SnapshotAt: at}
	var versions []Version
	for i := range 3 {
		versions = append(versions, Version{Snapshot: terms.Snapshot{ID: int64(10 - i), Source: src.ID, FetchedAt: at.AddDate(0, 0, i)},
			Clauses: []terms.Clause{{Path: []string{"Use of data"}, Kind: terms.KindParagraph, Text: strings.Repeat("word ", i) + "we keep data 30 days"}}})
	}
	return Data{
		Generated: at,
		Vendors: []Vendor{{Vendor: v, Analysis: "Acme guide", Notes: map[string]map[string]string{"team": {"training": "Team section"}},
			Rows: []report.Row{
				{Vendor: "acme", Tier: "team", Attribute: "training", Documented: &never, Observed: &never, Agreement: "agrees", Agrees: true, Evidence: ev},
				{Vendor: "acme", Tier: "team", Attribute: "sensitive-data", Observed: &limited, Agreement: "undocumented", Derivation: "no training, but no HIPAA BAA on offer"},
			}}},
		Events: []terms.Event{{ID: "c-000001", Change: "g-000001", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "team",
			Attribute: "training", Old: &never, New: &limited, Source: "acme-terms", SnapshotAt: at, DetectedAt: at,
			Before: &terms.Side{Text: "we never train"}, After: &terms.Side{Text: "we sometimes train"}}},
		Sources: []Source{{Source: src, Versions: versions}},
		Options: report.Options{SourceURL: func(id string) string {
			if id == "acme-terms" {
				return "https://acme.test/terms" // redacted, as the cli's options do
			}
			return "javascript:alert(1)"
		}},
	}
}

func TestWriteAndReplace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if err := Write(dir, testData()); err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(index)
	if strings.Contains(s, "<script>alert") || strings.Contains(s, "<b>of</b>") {
		t.Errorf("page text reached the index unescaped")
	}
	for _, want := range []string{"never used for training", "Team section", "Derived</strong> by the guide's rule from the tier's other values: no training, but no HIPAA BAA on offer",
		"https://acme.test/terms#:~:text=We%20never%20train%20on", `<link rel="stylesheet" href="style.css">`} {
		if !strings.Contains(s, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	for _, f := range []string{Marker, "style.css", "site.js", "timeline.html", "sources/acme-terms.html", "feeds/changes.atom", "feeds/acme.atom", "feeds/acme/team.atom",
		"sources/acme-terms/v-10.html", "sources/acme-terms/diff-10-9.html", "sources/acme-terms/diff-9-8.html", "sources/acme-terms/diff-10-8.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("site lacks %s: %v", f, err)
		}
	}
	// The page URL comes from Options (redacted), never the declaration.
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if b, _ := os.ReadFile(p); err == nil && !e.IsDir() && strings.Contains(string(b), "secret") {
			t.Errorf("%s shows the declaration's credentials", p)
		}
		return nil
	})
	// A second write replaces the whole tree and leaves no temporary
	// directory behind.
	os.WriteFile(filepath.Join(dir, "stray"), []byte("x"), 0o644)
	if err := Write(dir, testData()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stray")); !os.IsNotExist(err) {
		t.Errorf("the old site's file survived")
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("beside the site: %v, want nothing", entries)
	}
}

func TestWriteRefuses(t *testing.T) {
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "mine.txt"), []byte("mine"), 0o644)
	if err := Write(other, testData()); err == nil || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), Marker) {
		t.Errorf("Write into a directory of other files: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "mine.txt")); string(b) != "mine" {
		t.Errorf("the other file changed")
	}
	if err := CheckTarget(other); err == nil {
		t.Errorf("CheckTarget accepts a directory of other files")
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if err := Write(file, testData()); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Write onto a file: %v", err)
	}
	if os.Geteuid() == 0 {
		t.Log("root writes anywhere: the read-only parent case is skipped")
		return
	}
	ro := t.TempDir()
	os.Chmod(ro, 0o555)
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	target := filepath.Join(ro, "site")
	for name, err := range map[string]error{"Write": Write(target, testData()), "CheckTarget": CheckTarget(target)} {
		if err == nil || !strings.Contains(err.Error(), target) || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s into a read-only parent: %v", name, err)
		}
	}
}

func TestPairs(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1: 0, 2: 1, 3: 3, AllPairsUpTo: AllPairsUpTo * (AllPairsUpTo - 1) / 2, 11: 10 + 9, 200: 199 + 198} {
		ps := pairs(n)
		if len(ps) != want {
			t.Errorf("pairs(%d): %d, want %d", n, len(ps), want)
		}
		seen := map[[2]int]bool{}
		for _, p := range ps {
			if p[0] >= p[1] || p[1] >= n || seen[p] {
				t.Errorf("pairs(%d): bad or repeated pair %v", n, p)
			}
			seen[p] = true
		}
		for i := 1; i < n; i++ {
			if !seen[[2]int{i - 1, i}] {
				t.Errorf("pairs(%d) lacks the consecutive pair %d-%d", n, i-1, i)
			}
		}
	}
}
