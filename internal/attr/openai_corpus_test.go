package attr_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// openaiCorpus is the shared folder of real pages, beside the repository
// (from the repository root: ../shared/corpus).
const openaiCorpus = "../../../shared/corpus"

// openaiDecl is the shipped declaration file of the openai vendor.
const openaiDecl = "../../sources/openai.yaml"

// loadOpenAI loads sources/openai.yaml on its own, as the loader reads it.
func loadOpenAI(t *testing.T) terms.Vendor {
	t.Helper()
	data, err := os.ReadFile(openaiDecl)
	if err != nil {
		t.Fatalf("read %s: %v", openaiDecl, err)
	}
	vendors, err := source.Load(fstest.MapFS{"openai.yaml": {Data: data}})
	if err != nil {
		t.Fatalf("load %s:\n%v", openaiDecl, err)
	}
	if len(vendors) != 1 || vendors[0].ID != "openai" {
		t.Fatalf("load %s: got %d vendors, want the openai vendor alone", openaiDecl, len(vendors))
	}
	return vendors[0]
}

// manifestRow is a table row of the corpus MANIFEST.md: "| `file` | url | …".
var manifestRow = regexp.MustCompile("^\\| `([^`]+)` \\| (https?://[^ |]+) \\|")

// openaiPages maps each openai source id to the corpus file holding its
// page, through the URLs the manifest lists. It skips the test when the
// corpus is absent.
func openaiPages(t *testing.T, v terms.Vendor) map[string]string {
	t.Helper()
	dir := filepath.Join(openaiCorpus, "latest")
	f, err := os.Open(filepath.Join(dir, "MANIFEST.md"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("real pages not available (%v): the shared corpus sits next to the repository only in the project workspace", err)
	}
	if err != nil {
		t.Fatalf("open corpus manifest: %v", err)
	}
	defer f.Close()
	byURL := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		m := manifestRow.FindStringSubmatch(sc.Text())
		if m == nil || !strings.HasPrefix(m[1], "ChatGPT/") || !strings.HasSuffix(m[1], ".html") {
			continue
		}
		byURL[strings.TrimSuffix(m[2], "/")] = filepath.Join(dir, m[1])
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus manifest: %v", err)
	}
	out := map[string]string{}
	for _, s := range v.Sources {
		if file, ok := byURL[strings.TrimSuffix(s.URL, "/")]; ok {
			out[s.ID] = file
		}
	}
	return out
}

// observeOpenAI extracts each corpus page with its declared selectors and
// returns the observations per source.
func observeOpenAI(t *testing.T) (terms.Vendor, map[string][]terms.Observation, map[string]terms.Document) {
	t.Helper()
	v := loadOpenAI(t)
	pages := openaiPages(t, v)
	obs := map[string][]terms.Observation{}
	docs := map[string]terms.Document{}
	snap := terms.Snapshot{ID: 1, FetchedAt: time.Date(2026, 8, 22, 10, 30, 0, 0, time.UTC)}
	for _, s := range v.Sources {
		file, ok := pages[s.ID]
		if !ok {
			continue
		}
		page, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("read %s: %v", file, err)
		}
		doc, err := extract.Extract(page, extract.Options{Select: s.Select, Remove: s.Remove})
		if err != nil {
			t.Fatalf("extract %s (%s): %v", s.ID, file, err)
		}
		docs[s.ID] = doc
		obs[s.ID] = attr.Observe(v, s, doc, snap)
	}
	return v, obs, docs
}

func TestOpenAICorpusDump(t *testing.T) {
	if os.Getenv("ATTR_DUMP") == "" {
		t.Skip("set ATTR_DUMP=1 to print the observations of every openai corpus page")
	}
	_, obs, _ := observeOpenAI(t)
	for id, os := range obs {
		for _, o := range os {
			t.Logf("%s %s/%s = %v (%s)\n    [%s] %s", id, o.Tier, o.Attribute, o.Value, o.Value.Reason, o.Evidence.Clause, o.Evidence.Text)
		}
	}
	_ = bytes.MinRead
}
