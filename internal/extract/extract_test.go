package extract

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixtures are our own pages in testdata, shaped like the real ones, with
// the declaration each is read with.
var fixtures = []struct {
	name string
	file string
	opts Options
}{
	{"consumer terms", "terms.html", Options{Select: []string{"main"}}},
	{"help-center article", "help-article.html", Options{Select: []string{".article"}, Remove: []string{".avatar__info", ".related_articles"}}},
	{"privacy policy with table", "privacy.html", Options{Select: []string{"main"}, Remove: []string{`select[name="Locale Select"]`, "main .sr-only"}, MinText: 100}},
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/name as indented JSON, or rewrites it
// with -update.
func golden(t *testing.T, name string, got terms.Document) {
	t.Helper()
	path := filepath.Join("testdata", name)
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantB, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var want terms.Document
	if err := json.Unmarshal(wantB, &want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestExtractGolden(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			d, err := Extract(readFile(t, f.file), f.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(f.file, ".html")+".golden.json", d.Document)
		})
	}
}

func find(d terms.Document, pred func(terms.Clause) bool) (terms.Clause, bool) {
	for _, c := range d.Clauses {
		if pred(c) {
			return c, true
		}
	}
	return terms.Clause{}, false
}

func last(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

// TestExtractRules checks the clause rules on the terms fixture one by one,
// so that a failing golden file points at the rule that broke.
func TestExtractRules(t *testing.T) {
	d, err := Extract(readFile(t, "terms.html"), Options{Select: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		contains string // a clause whose text contains this
		kind     string
		path     []string
		text     string // exact text when set
	}{
		{
			name: "bold lead-in is the last path element", contains: "We may use Materials",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service", "3. Prompts, Responses and Materials", "Our use of Materials"},
		},
		{
			name: "lead-in whose dot follows the bold text", contains: "provided 'as is'",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service", "4. Ending the agreement", "No warranties"},
			text: "The Services are provided 'as is' - we make no promises beyond the ones the law requires.",
		},
		{
			name: "numbered bold-only paragraph is a sub-heading", contains: "We may pause your access",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service", "4. Ending the agreement", "4.1 Suspension"},
		},
		{
			name: "numbered lead-in sibling closes the numbered sub-heading", contains: "can no longer sign in",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service", "4. Ending the agreement", "4.2 Effect of ending"},
		},
		{
			name: "bold-only short paragraph is a sub-heading", contains: "1 Sample Street",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service", "4. Ending the agreement", "Contact us"},
		},
		{
			name: "long bold-only paragraph stays a paragraph", contains: "business customers",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service"},
		},
		{
			name: "nested list item carries its parent's lead-in", contains: "copying Responses",
			kind: terms.KindListItem,
			path: []string{"Consumer Terms of Service", "3. Prompts, Responses and Materials", "to build rivals"},
			text: "copying Responses into a training set;",
		},
		{
			name: "parent list item keeps its text without the nested list", contains: "to build rivals",
			kind: terms.KindListItem,
			path: []string{"Consumer Terms of Service", "3. Prompts, Responses and Materials"},
			text: "to build rivals: including by",
		},
		{
			name: "table row with column headers and caption", contains: "Flagged conversations",
			kind: terms.KindTableRow,
			path: []string{"Consumer Terms of Service", "3. Prompts, Responses and Materials", "Storage periods", "How long we keep things"},
			text: "Kind of data: Flagged conversations; Period: Prompts and Responses: 2 years; Safety scores: 7 years",
		},
		{
			name: "table row with a row header", contains: "Jane Example",
			kind: terms.KindTableRow,
			path: []string{"Consumer Terms of Service", "4. Ending the agreement", "Contact us"},
			text: "Representative: Jane Example",
		},
		{
			name: "adjacent inline labels are two words", contains: "Effective March",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service"},
			text: "Effective March 3, 2031 Previous Version",
		},
		{
			name: "soft hyphen, zero-width and NBSP are cleaned", contains: "Keep your",
			kind: terms.KindParagraph,
			path: []string{"Consumer Terms of Service", "2. Accounts", "Your account"},
			text: "Keep your password private and tell us promptly at help@acme.example if someone else gets it.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := find(d.Document, func(c terms.Clause) bool { return strings.Contains(c.Text, tt.contains) })
			if !ok {
				t.Fatalf("no clause contains %q", tt.contains)
			}
			if c.Kind != tt.kind {
				t.Errorf("kind = %q, want %q", c.Kind, tt.kind)
			}
			if diff := cmp.Diff(tt.path, c.Path); diff != "" {
				t.Errorf("path mismatch (-want +got):\n%s", diff)
			}
			if tt.text != "" && c.Text != tt.text {
				t.Errorf("text = %q, want %q", c.Text, tt.text)
			}
		})
	}
	if d.Title != "Consumer Terms of Service" {
		t.Errorf("title = %q", d.Title)
	}
	for _, junk := range []string{"Hidden template", "buildId", "analytics", "globe", "English", "Home", "Careers", "utm_", "x-1a2b3c", "pixel"} {
		if strings.Contains(d.Text(), junk) {
			t.Errorf("document text contains %q", junk)
		}
	}
	if !materials(d.Document).Matches("Prompts > Our use of Materials") {
		t.Errorf("selector %q does not match the Materials clause", "Prompts > Our use of Materials")
	}
}

// materials is the clause whose lead-in is "Our use of Materials".
func materials(d terms.Document) terms.Clause {
	c, _ := find(d, func(c terms.Clause) bool { return last(c.Path) == "Our use of Materials" })
	return c
}

// TestExtractNoise: a rebuilt page (new build id, nonces, hashed class
// names, reordered scripts, other tracking parameters) is the same version;
// a changed sentence is not.
func TestExtractNoise(t *testing.T) {
	opts := Options{Select: []string{"main"}}
	base, err := Extract(readFile(t, "terms.html"), opts)
	if err != nil {
		t.Fatal(err)
	}
	page := string(readFile(t, "terms.html"))
	tests := []struct {
		name string
		page string
		same bool
	}{
		{"rebuilt page", string(readFile(t, "terms-rebuilt.html")), true},
		{"whitespace between tags", strings.ReplaceAll(page, "</p><p", "</p>\n\n  <p"), true},
		{"curly quotes turned straight", strings.ReplaceAll(page, "\u2018as is\u2019", "'as is'"), true},
		{"new tracking parameter on a link", strings.ReplaceAll(page, "mailto:help@acme.example", "mailto:help@acme.example?utm_term=x"), true},
		{"training sentence reworded", strings.Replace(page, "We will not use your Materials to train", "We will use your Materials to train", 1), false},
		{"retention period changed", strings.Replace(page, "Removed within 30 days", "Removed within 60 days", 1), false},
		{"heading renamed", strings.Replace(page, "2. Accounts.", "2. Your account.", 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.page == page && !tt.same {
				t.Fatal("replacement did not apply")
			}
			d, err := Extract([]byte(tt.page), opts)
			if err != nil {
				t.Fatal(err)
			}
			if same := d.Hash() == base.Hash(); same != tt.same {
				t.Errorf("same hash = %v, want %v; diff (-base +page):\n%s", same, tt.same, cmp.Diff(base.Text(), d.Text()))
			}
		})
	}
}

func TestExtractNoContent(t *testing.T) {
	tests := []struct {
		name string
		page []byte
		opts Options
		want string // in the error message
	}{
		{"empty app shell", readFile(t, "empty-shell.html"), Options{}, `select "body"`},
		{"empty shell with selector", readFile(t, "empty-shell.html"), Options{Select: []string{"main"}}, `select "main" matched nothing`},
		{"challenge page", readFile(t, "challenge.html"), Options{}, "Just a moment..."},
		{"application error page", readFile(t, "app-error.html"), Options{Select: []string{"main"}}, `select "main": `},
		{"no fallback matches", readFile(t, "terms.html"), Options{Select: []string{"#appendix", "#annex"}}, `select "#appendix" matched nothing; select "#annex" matched nothing`},
		{"a fallback too short, the next absent", readFile(t, "terms.html"), Options{Select: []string{"h1", "#annex"}}, `select "h1": 25 characters of text, want at least 200; select "#annex" matched nothing`},
		{"text shorter than MinText", readFile(t, "help-article.html"), Options{Select: []string{".article"}, MinText: 5000}, "want at least 5000"},
		{"everything removed", readFile(t, "terms.html"), Options{Select: []string{"main"}, Remove: []string{"article"}}, "0 characters"},
		{"empty input", nil, Options{}, `select "body"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Extract(tt.page, tt.opts)
			if !errors.Is(err, ErrNoContent) {
				t.Fatalf("err = %v, want ErrNoContent (document has %d clauses)", err, len(d.Clauses))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			if len(d.Clauses) != 0 {
				t.Errorf("document with %d clauses returned with the error", len(d.Clauses))
			}
		})
	}
}

func TestExtractBadSelector(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"invalid select", Options{Select: []string{"main[["}}, `select[0] "main[["`},
		{"empty select", Options{Select: []string{"main", " "}}, "select[1]: empty selector"},
		{"invalid remove", Options{Select: []string{"main"}, Remove: []string{"..x"}}, `remove[0] "..x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract(readFile(t, "terms.html"), tt.opts)
			if err == nil || errors.Is(err, ErrNoContent) {
				t.Fatalf("err = %v, want a selector error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestExtractSelection: one selector with a comma is CSS's own union: its
// matches are read in document order, nested ones once.
func TestExtractSelection(t *testing.T) {
	page := []byte(`<html><head><title>Page title</title></head><body>` +
		`<div id="a"><h2>Part A</h2><p>The first part says something long enough to count as text.</p>` +
		`<div class="inner"><p>An inner block that is read once even though two selectors match it.</p></div></div>` +
		`<div id="b"><p>The second part has no heading of its own and must not inherit Part A.</p></div>` +
		`</body></html>`)
	d, err := Extract(page, Options{Select: []string{"#b, #a, .inner"}, MinText: 10})
	if err != nil {
		t.Fatal(err)
	}
	if d.Method != "select:#b, #a, .inner" {
		t.Errorf("method = %q", d.Method)
	}
	want := terms.Document{Title: "Page title", Clauses: []terms.Clause{
		{Path: []string{"Part A"}, Kind: terms.KindParagraph, Text: "The first part says something long enough to count as text."},
		{Path: []string{"Part A"}, Kind: terms.KindParagraph, Text: "An inner block that is read once even though two selectors match it."},
		{Path: []string{}, Kind: terms.KindParagraph, Text: "The second part has no heading of its own and must not inherit Part A."},
	}}
	if diff := cmp.Diff(want, d.Document); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestExtractCharset(t *testing.T) {
	body := "<p>Les donn\xe9es sont conserv\xe9es 30 jours \x96 puis effac\xe9es.</p>"
	tests := []struct {
		name string
		page string
		want string
	}{
		{"meta charset latin-1", `<html><head><meta charset="iso-8859-1"></head><body>` + body + `</body></html>`, "Les données sont conservées 30 jours - puis effacées."},
		{"http-equiv windows-1252", `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body>` + body + `</body></html>`, "Les données sont conservées 30 jours - puis effacées."},
		{"utf-8 declared", `<html><head><meta charset="utf-8"></head><body><p>Les données sont conservées 30 jours – puis effacées.</p></body></html>`, "Les données sont conservées 30 jours - puis effacées."},
		{"no declaration is utf-8", `<p>Les données sont conservées 30 jours — puis effacées.</p>`, "Les données sont conservées 30 jours - puis effacées."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Extract([]byte(tt.page), Options{MinText: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Clauses) != 1 || d.Clauses[0].Text != Normalize(tt.want) {
				t.Errorf("clauses = %q, want one with %q", d.Clauses, Normalize(tt.want))
			}
		})
	}
}

func BenchmarkExtractConsumerTerms(b *testing.B) {
	page, err := os.ReadFile(filepath.Join(corpusDir, "latest", "Claude.ai", "Terms of Service.html"))
	if err != nil {
		// No corpus: a synthetic page of the same size from our fixture.
		one := readFile(b, "terms.html")
		start := strings.Index(string(one), `<div class="Body-module__Zq9w1__body">`)
		end := strings.Index(string(one), `</div></div></article>`)
		body := strings.Repeat(string(one[start:end])+"</div>", 570_000/(end-start))
		page = []byte(string(one[:start]) + body + string(one[end:]))
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(page, Options{Select: []string{"main"}}); err != nil {
			b.Fatal(err)
		}
	}
}
