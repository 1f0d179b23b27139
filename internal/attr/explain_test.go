package attr

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// statementLine renders a statement as "clause:attribute=value for tiers
// (whom) [if conditions]".
func statementLine(st Statement) string {
	s := fmt.Sprintf("%d:%s=%s for %s (%s)", st.Clause, st.Attribute, st.Value, strings.Join(st.Tiers, ","), st.Whom)
	if st.Conditions != "" {
		s += " [" + st.Conditions + "]"
	}
	return s
}

func TestStatementsSayWhomAndWhy(t *testing.T) {
	v, src, doc, _ := observeFixture()
	var got []string
	for _, st := range NewReader(v).Statements(src, doc) {
		got = append(got, statementLine(st))
		if st.Heading != doc.Clauses[st.Clause].Heading() || st.Named != (st.Whom != "document-wide: the page's tiers") {
			t.Errorf("statement %+v: heading or named wrong", st)
		}
	}
	want := []string{
		"0:training=opt-out for personal,business (document-wide: the page's tiers)",
		`2:training=never for business (its heading "4. Business Accounts" names "Business Accounts") [except content flagged for safety review.]`,
		"3:retention=default=30 for personal,business (document-wide: the page's tiers)",
		"4:retention=after-deletion=14 for personal,business (document-wide: the page's tiers)",
		`5:retention=default=90 for business (names "Acme for Work") [unless an admin deletes them sooner.]`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Statements =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestStatementsWhomOfALeadInAndOfRules(t *testing.T) {
	v, _, _, _ := observeFixture()
	src := terms.Source{ID: "acme-help", Vendor: "acme", Tiers: []string{"personal"}}
	doc := terms.Document{Clauses: []terms.Clause{
		{Path: []string{"Help"}, Text: "For a business account:"},
		{Path: []string{"Help"}, Kind: terms.KindListItem, Text: "chats are deleted within 7 days of deletion by an admin."},
		{Path: []string{"Help", "Old"}, Text: "Chats are kept for 60 days."},
		{Path: []string{"Help", "New"}, Text: "Chats are kept for 45 days."},
	}}
	lines := func(v terms.Vendor) []string {
		var out []string
		for _, st := range NewReader(v).Statements(src, doc) {
			out = append(out, statementLine(st))
		}
		return out
	}
	want := []string{
		`1:retention=after-deletion=7 for business (its lead-in names "business account")`,
		"2:retention=default=60 for personal (document-wide: the page's tiers)",
		"3:retention=default=45 for personal (document-wide: the page's tiers)",
	}
	if got := lines(v); !slices.Equal(got, want) {
		t.Errorf("Statements =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// An excluding rule leaves its clauses out, as Observe does; a
	// narrowing rule's tiers are whom the sentences it selects speak for.
	v.Rules = []terms.Rule{
		{Source: "acme-help", Attribute: "retention", Clause: "Help > Old", Exclude: true},
		{Source: "acme-help", Attribute: "retention", Clause: "Help", Tiers: []string{"business"}},
	}
	want = []string{
		`1:retention=after-deletion=7 for business (its lead-in names "business account")`,
		"3:retention=default=45 for business (document-wide: the tiers of the rules that select it)",
	}
	if got := lines(v); !slices.Equal(got, want) {
		t.Errorf("with rules, Statements =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestStatementsOfRealPagesPointAtTheirClauses reads the real text of the
// corpus: every statement points at a clause of its page that holds its
// heading path.
func TestStatementsOfRealPagesPointAtTheirClauses(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.md"))
	if err != nil || len(files) == 0 {
		if _, serr := os.Stat(corpusDir); os.IsNotExist(serr) {
			t.Skipf("corpus %s absent (the shared corpus is not beside this clone): skipping real-text test", corpusDir)
		}
		t.Fatalf("no corpus files in %s (%v)", corpusDir, err)
	}
	r := NewReader(testAnthropic)
	src := terms.Source{ID: "corpus", Vendor: testAnthropic.ID, Tiers: []string{"consumer"}}
	n := 0
	for _, f := range files {
		if filepath.Base(f) == "README.md" {
			continue
		}
		for _, p := range loadPieces(t, filepath.Base(f)) {
			doc := terms.Document{Clauses: pieceClauses(p.text)}
			for _, st := range r.Statements(src, doc) {
				n++
				if st.Clause < 0 || doc.Clauses[st.Clause].Heading() != st.Heading {
					t.Errorf("%s %s: statement %q points at clause %d", p.file, p.title, st.Sentence, st.Clause)
				}
				if len(st.Tiers) == 0 || st.Whom == "" {
					t.Errorf("%s %s: statement %q speaks for no one", p.file, p.title, st.Sentence)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no statement read from the whole corpus")
	}
	t.Logf("%d statements read from %d corpus files", n, len(files))
}
