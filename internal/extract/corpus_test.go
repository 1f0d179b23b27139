package extract

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// corpusDir holds real vendor pages next to the repository (from the
// repository root: ../shared/corpus). A fresh clone has none: tests skip.
const corpusDir = "../../../shared/corpus"

func corpusPage(t *testing.T, parts ...string) []byte {
	t.Helper()
	path := filepath.Join(append([]string{corpusDir, "latest"}, parts...)...)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("real page %s not available (the shared corpus is not next to this checkout)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// junk matches script, JSON or markup leaking into clause text.
var junk = regexp.MustCompile(`\{"|":\s*[\[{"]|function\s*\(|self\.__next|__NEXT_DATA__|buildId|window\.|</?[a-z]+[ >]|\.css-[a-z0-9]+\{`)

// sane checks what every real extraction must satisfy and returns the
// number of clauses of each kind.
func sane(t *testing.T, d terms.Document, minClauses int) map[string]int {
	t.Helper()
	if len(d.Clauses) < minClauses {
		t.Errorf("%d clauses, want at least %d", len(d.Clauses), minClauses)
	}
	kinds := map[string]int{}
	for i, c := range d.Clauses {
		kinds[c.Kind]++
		if strings.TrimSpace(c.Text) == "" {
			t.Errorf("clause %d (%s) has empty text", i, c.Heading())
		}
		if c.Text != Normalize(c.Text) {
			t.Errorf("clause %d text is not normalized: %q", i, c.Text)
		}
		if m := junk.FindString(c.Text); m != "" {
			t.Errorf("clause %d (%s) contains script or markup %q: %.120s", i, c.Heading(), m, c.Text)
		}
		for _, p := range c.Path {
			if p == "" {
				t.Errorf("clause %d has an empty path element: %q", i, c.Path)
			}
		}
	}
	return kinds
}

func TestCorpusConsumerTerms(t *testing.T) {
	d, err := Extract(corpusPage(t, "Claude.ai", "Terms of Service.html"), Options{Select: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	sane(t, d.Document, 50)
	if !strings.Contains(d.Title, "Terms of Service") {
		t.Errorf("title = %q", d.Title)
	}
	var found []terms.Clause
	for _, c := range d.Clauses {
		if strings.Contains(strings.ToLower(last(c.Path)), "use of materials") {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d clauses with a lead-in on the use of Materials, want exactly 1", len(found))
	}
	c := found[0]
	if got := last(c.Path); got != "Our use of Materials" {
		t.Errorf("lead-in path element = %q, want %q", got, "Our use of Materials")
	}
	if strings.Contains(c.Text, "Our use of Materials") {
		t.Errorf("clause text repeats its lead-in: %.80s", c.Text)
	}
	lower := strings.ToLower(c.Text)
	if !strings.Contains(lower, "train") || !strings.Contains(lower, "model") {
		t.Errorf("Materials clause does not mention training models: %s", c.Text)
	}
	if !c.Matches("Inputs, Outputs > Our use of Materials") {
		t.Errorf("path %q is not matched by its section selector", c.Path)
	}
}

func TestCorpusCommercialTerms(t *testing.T) {
	d, err := Extract(corpusPage(t, "Claude.ai", "Commercial Terms.html"), Options{Select: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	sane(t, d.Document, 40)
	want := map[string]bool{"B. Customer Content": false, "D.4. Use Restrictions": false, "I.4. Effect of Termination": false}
	for _, c := range d.Clauses {
		for _, p := range c.Path {
			if _, ok := want[p]; ok {
				want[p] = true
			}
		}
		// "I.4." is a sibling of the bold-only "I.3. Suspension", not its child.
		if last(c.Path) == "I.4. Effect of Termination" && strings.Contains(c.Heading(), "I.3.") {
			t.Errorf("I.4 nested under I.3: %s", c.Heading())
		}
	}
	for p, ok := range want {
		if !ok {
			t.Errorf("no clause under %q", p)
		}
	}
}

func TestCorpusPrivacyPolicy(t *testing.T) {
	d, err := Extract(corpusPage(t, "Claude.ai", "Privacy Policy #legal-privacy.html"), Options{Select: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := sane(t, d.Document, 80)
	if kinds[terms.KindTableRow] < 10 {
		t.Errorf("%d table rows, want the legal-bases table (10+)", kinds[terms.KindTableRow])
	}
	if kinds[terms.KindListItem] < 20 {
		t.Errorf("%d list items, want 20+", kinds[terms.KindListItem])
	}
	for _, c := range d.Clauses {
		if c.Kind == terms.KindTableRow && !strings.Contains(c.Text, ": ") {
			t.Errorf("table row without header context: %.100s", c.Text)
		}
	}
}

func TestCorpusHelpCenterArticle(t *testing.T) {
	opts := Options{Select: []string{".article"}, Remove: []string{".avatar__info", ".related_articles"}}
	page := corpusPage(t, "Claude.ai", "Law Enforcement Guidelines #en-articles-9519291-what-is-anthropic-s-policy-for-handling-governmental-requests-for-user-information.html")
	d, err := Extract(page, opts)
	if err != nil {
		t.Fatal(err)
	}
	kinds := sane(t, d.Document, 3)
	if kinds[terms.KindListItem] < 3 {
		t.Errorf("%d list items, want 3", kinds[terms.KindListItem])
	}
	if !strings.HasPrefix(d.Title, "What is Anthropic") {
		t.Errorf("title = %q", d.Title)
	}
	if strings.Contains(d.Text(), "Related Articles") {
		t.Error("removed related articles are in the text")
	}

	// Newer help-center pages have no .article: the declaration must say so
	// loudly, never yield an empty version.
	newer := corpusPage(t, "Claude.ai", "Acceptable Use Policy #en-articles-9528712-exceptions-to-our-usage-policy.html")
	if _, err := Extract(newer, opts); !errors.Is(err, ErrNoContent) || !strings.Contains(err.Error(), `".article"`) {
		t.Errorf("newer layout with .article: err = %v, want ErrNoContent naming the selector", err)
	}
	d, err = Extract(newer, Options{Select: []string{".article_body"}})
	if err != nil {
		t.Fatal(err)
	}
	sane(t, d.Document, 5)
}

func TestCorpusChatGPTPrivacy(t *testing.T) {
	page := corpusPage(t, "ChatGPT", "Privacy Policy #policies-eu-privacy-policy.html")
	d, err := Extract(page, Options{Select: []string{"main"}, Remove: []string{`select[name="Locale Select"]`, "main .sr-only"}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := sane(t, d.Document, 60)
	if kinds[terms.KindTableRow] < 3 {
		t.Errorf("%d table rows, want the legal-bases table", kinds[terms.KindTableRow])
	}
	text := d.Text()
	for _, s := range []string{"Select language", "Deutsch", "opens in a new window", "\u2060"} {
		if strings.Contains(text, s) {
			t.Errorf("text contains %q", s)
		}
	}
	c, ok := find(d.Document, func(c terms.Clause) bool { return c.Kind == terms.KindTableRow })
	if ok && !strings.HasPrefix(c.Text, "Purpose of processing: ") {
		t.Errorf("first table row does not use the bold header row: %.80s", c.Text)
	}
	if _, ok := find(d.Document, func(c terms.Clause) bool { return c.Matches("Retention") }); !ok {
		t.Error("no clause under a Retention heading")
	}
}

// TestCorpusAllPages reads every real HTML page with its whole body: each
// gives a sane document or ErrNoContent, never a panic or other error.
func TestCorpusAllPages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "latest", "*", "*.html"))
	if len(files) == 0 {
		t.Skipf("no real pages under %s (the shared corpus is not next to this checkout)", corpusDir)
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Extract(b, Options{})
			if err != nil {
				if !errors.Is(err, ErrNoContent) {
					t.Fatalf("err = %v, want nil or ErrNoContent", err)
				}
				return
			}
			for i, c := range d.Clauses {
				if strings.TrimSpace(c.Text) == "" {
					t.Errorf("clause %d (%s) has empty text", i, c.Heading())
				}
			}
		})
	}
}

// corpusTexts returns the text pieces of a file of ../shared/corpus/text:
// the text between each "~~~~text" line and the next "~~~~" line.
func corpusTexts(t *testing.T, name string) []string {
	t.Helper()
	path := filepath.Join(corpusDir, "text", name)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("text copy %s not available (the shared corpus is not next to this checkout)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	var pieces []string
	for _, p := range strings.Split(string(b), "~~~~text\n")[1:] {
		end := strings.Index(p, "\n~~~~")
		if end < 0 {
			t.Fatalf("%s: unterminated piece", path)
		}
		pieces = append(pieces, p[:end])
	}
	return pieces
}

func TestCorpusTextPieces(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "text", "*.md"))
	if len(files) == 0 {
		t.Skipf("no text copies under %s (the shared corpus is not next to this checkout)", corpusDir)
	}
	withHeadings := 0
	for _, f := range files {
		if filepath.Base(f) == "README.md" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			headed := 0
			for i, p := range corpusTexts(t, filepath.Base(f)) {
				d := ExtractText(p)
				if len(d.Clauses) == 0 {
					t.Errorf("piece %d: no clauses", i+1)
				}
				for _, c := range d.Clauses {
					if strings.TrimSpace(c.Text) == "" {
						t.Errorf("piece %d: clause %s has empty text", i+1, c.Heading())
					}
					if mdLinkTarget.MatchString(c.Text) {
						t.Errorf("piece %d: link target in text: %.100s", i+1, c.Text)
					}
					if len(c.Path) > 0 {
						headed++
					}
				}
			}
			if headed > 0 {
				withHeadings++
			}
		})
	}
	// Most pages have headings; a few pieces are body text only.
	if withHeadings < 8 {
		t.Errorf("clauses under headings in %d files, want most of them", withHeadings)
	}
}

// mdLinkTarget is a complete markdown link target left in text.
var mdLinkTarget = regexp.MustCompile(`\]\(https?://[^)\s]*\)`)

func TestCorpusTextHeadings(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		piece    int
		contains string // a clause containing this text
		sel      string // is matched by this heading-path selector
		kind     string
	}{
		{"plain-line headings nest", "anthropic-retention-consumer.md", 1, "for up to 30 days", "Standard Retention Timeframe > If You Do Not Allow", terms.KindParagraph},
		{"markdown heading", "anthropic-api-data-retention.md", 1, "smallest possible retention footprint", "API and data retention > Anthropic's approach to data retention", terms.KindParagraph},
		{"plain-line heading without blank lines", "anthropic-api-data-retention.md", 2, "smallest possible retention footprint", "How Anthropic approaches data retention", terms.KindParagraph},
		{"markdown table row", "anthropic-api-data-retention.md", 6, "Endpoint: /v1/messages/batches", "", terms.KindTableRow},
		{"markdown bold line as sub-heading", "anthropic-training-commercial.md", 5, "We give you the choice", "Data training policy > Consumer users", terms.KindParagraph},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces := corpusTexts(t, tt.file)
			if tt.piece > len(pieces) {
				t.Fatalf("%s has %d pieces", tt.file, len(pieces))
			}
			d := ExtractText(pieces[tt.piece-1])
			c, ok := find(d, func(c terms.Clause) bool { return strings.Contains(c.Text, tt.contains) })
			if !ok {
				t.Fatalf("no clause contains %q", tt.contains)
			}
			if c.Kind != tt.kind {
				t.Errorf("kind = %q, want %q", c.Kind, tt.kind)
			}
			if !c.Matches(tt.sel) {
				t.Errorf("path %q not matched by %q", c.Path, tt.sel)
			}
		})
	}
}
