package attr_test

import (
	"bufio"
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
	byURL := manifestPages(t, "ChatGPT/")
	out := map[string]string{}
	for _, s := range v.Sources {
		if files := byURL[strings.TrimSuffix(s.URL, "/")]; len(files) > 0 {
			out[s.ID] = files[len(files)-1]
		}
	}
	return out
}

// manifestPages maps each address the corpus manifest lists (without a
// final slash) to the HTML files under prefix holding its page, in the
// manifest's order. It skips the test when the corpus is absent.
func manifestPages(t *testing.T, prefix string) map[string][]string {
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
	byURL := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if m := manifestRow.FindStringSubmatch(sc.Text()); m != nil && strings.HasPrefix(m[1], prefix) && strings.HasSuffix(m[1], ".html") {
			u := strings.TrimSuffix(m[2], "/")
			byURL[u] = append(byURL[u], filepath.Join(dir, m[1]))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus manifest: %v", err)
	}
	return byURL
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
		docs[s.ID] = doc.Document
		obs[s.ID] = attr.Observe(v, s, doc.Document, snap)
	}
	return v, obs, docs
}

// The cells the real openai pages state, with their evidence, are asserted
// at the level of the table of cells, where every page feeds every cell
// (internal/cli's corpus tests).

// as the EEA variant they are, and not as the rest-of-world one.
func TestOpenAICorpusVariants(t *testing.T) {
	v, _, docs := observeOpenAI(t)
	for _, id := range []string{"openai-terms-of-use", "openai-privacy-policy"} {
		t.Run(id, func(t *testing.T) {
			doc, ok := docs[id]
			if !ok {
				t.Fatalf("no corpus page for %s", id)
			}
			_, s, _ := source.Find([]terms.Vendor{v}, id)
			if len(s.Variants) < 2 {
				t.Fatalf("%s declares %d variants, want eea and row", id, len(s.Variants))
			}
			if got, ok := source.MatchVariant(s, doc.Text()); !ok || got != "eea" {
				t.Errorf("variant = %q, %v; want eea", got, ok)
			}
			for _, vr := range s.Variants {
				if vr.ID == "row" && regexp.MustCompile("(?i)"+vr.Match).MatchString(doc.Text()) {
					t.Errorf("the row expression %q matches the EEA page", vr.Match)
				}
			}
		})
	}
}

// TestOpenAIVariantsOwnWords checks the variant expressions on text of our
// own in the shape of each regional page.
func TestOpenAIVariantsOwnWords(t *testing.T) {
	v := loadOpenAI(t)
	tests := []struct {
		name, source, text, want string
	}{
		{"eea terms: Irish contracting entity", "openai-terms-of-use",
			"Who we are | The services are provided by OpenAI Ireland Ltd if you live in the EEA.", "eea"},
		{"row terms: arbitration", "openai-terms-of-use",
			"Dispute resolution | You and we agree to mandatory arbitration of disputes.", "row"},
		{"eea privacy: Irish controller", "openai-privacy-policy",
			"Data controller | OpenAI Ireland Limited is the controller for people in the EEA.", "eea"},
		{"row privacy: US state disclosures", "openai-privacy-policy",
			"Additional U.S. State Disclosures | Residents of some states have extra rights.", "row"},
		{"neither", "openai-privacy-policy", "Privacy policy | We respect your privacy.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s, ok := source.Find([]terms.Vendor{v}, tt.source)
			if !ok {
				t.Fatalf("source %s not declared", tt.source)
			}
			got, _ := source.MatchVariant(s, tt.text)
			if got != tt.want {
				t.Errorf("variant = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOpenAIPlainHTTPShell checks what a plain GET of a script-built page
// yields: an application shell (our own markup, in the shape such pages
// have) whose declared content is absent, an error naming the selector.
func TestOpenAIPlainHTTPShell(t *testing.T) {
	v := loadOpenAI(t)
	shells := []struct{ name, page string }{
		{"no main element", `<!doctype html><html><head><title>OpenAI</title></head>
<body><div id="root"></div><script>window.__APP__={"route":"/policies"}</script></body></html>`},
		{"empty main awaiting scripts", `<!doctype html><html><head><title>OpenAI</title></head>
<body><main><div class="spinner" aria-busy="true">Loading</div><select name="Locale Select"><option>English (US)</option></select></main>
<script src="/app.js"></script></body></html>`},
	}
	for _, s := range v.Sources {
		if s.Render != terms.RenderBrowser {
			t.Errorf("source %s: render = %q, want %q (the page is built by scripts)", s.ID, s.Render, terms.RenderBrowser)
		}
		for _, sh := range shells {
			t.Run(s.ID+"/"+sh.name, func(t *testing.T) {
				_, err := extract.Extract([]byte(sh.page), extract.Options{Select: s.Select, Remove: s.Remove})
				if !errors.Is(err, extract.ErrNoContent) {
					t.Fatalf("Extract = %v, want ErrNoContent", err)
				}
				if !strings.Contains(err.Error(), `"main"`) {
					t.Errorf("error %q does not name the selector main", err)
				}
			})
		}
	}
}

// TestOpenAIDataControlsOwnWords reads the platform data-controls rules on a
// page of our own words shaped like the guide (no real copy is held yet).
func TestOpenAIDataControlsOwnWords(t *testing.T) {
	v := loadOpenAI(t)
	_, s, ok := source.Find([]terms.Vendor{v}, "openai-api-data-controls")
	if !ok {
		t.Fatal("openai-api-data-controls not declared")
	}
	page := `<!doctype html><html><body><nav>Guides</nav><main>
<h1>Your data on the platform</h1>
<h2>How long API data is kept</h2>
<p>By default, the platform keeps API inputs and outputs in abuse monitoring logs for up to 30 days.</p>
<h2>Zero data retention</h2>
<p>Organizations with a qualifying use case can ask us to turn on zero data retention (ZDR) for eligible endpoints.</p>
<p>With ZDR turned on, request and response content is not stored in abuse monitoring logs.</p>
</main></body></html>`
	doc, err := extract.Extract([]byte(page), extract.Options{Select: s.Select, Remove: s.Remove})
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	got := map[string]terms.Observation{}
	for _, o := range attr.Observe(v, s, doc.Document, terms.Snapshot{ID: 7}) {
		got[o.Tier+" "+o.Attribute] = o
	}
	tests := []struct {
		key    string
		want   terms.Value
		phrase string
	}{
		{"api zdr", terms.Scalar(attr.Available), "ask us to turn on"},
		{"api-zdr zdr", terms.Scalar(attr.Available), "ask us to turn on"},
		// The page names no tier: what it says of ZDR speaks for both API
		// tiers, the 30-day default and the ZDR scope alike.
		{"api retention", terms.MapOf(map[string]string{"default": "30", "zdr": attr.PeriodNone}), "is not stored"},
		{"api-zdr retention", terms.MapOf(map[string]string{"default": "30", "zdr": attr.PeriodNone}), "is not stored"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			o, ok := got[tt.key]
			if !ok {
				t.Fatalf("no observation %s", tt.key)
			}
			if !o.Value.Equal(tt.want) || o.Value.Unknown {
				t.Fatalf("%s = %v (%s), want %v", tt.key, o.Value, o.Value.Reason, tt.want)
			}
			if !strings.Contains(o.Evidence.Text, tt.phrase) {
				t.Errorf("evidence %q does not contain %q", o.Evidence.Text, tt.phrase)
			}
		})
	}
	if len(got) != len(tests) {
		t.Errorf("%d observations, want %d: %v", len(got), len(tests), got)
	}
}

func TestOpenAICorpusDump(t *testing.T) {
	if os.Getenv("ATTR_DUMP") == "" {
		t.Skip("set ATTR_DUMP=1 to print the observations of every openai corpus page")
	}
	_, obs, _ := observeOpenAI(t)
	for id, list := range obs {
		for _, o := range list {
			t.Logf("%s %s/%s = %v (%s)\n    [%s] %s", id, o.Tier, o.Attribute, o.Value, o.Value.Reason, o.Evidence.Clause, o.Evidence.Text)
		}
	}
}
