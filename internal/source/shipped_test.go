package source

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// The source ids of DESIGN.md for the anthropic vendor.
var designIDs = []string{
	"anthropic-consumer-terms", "anthropic-privacy-policy", "anthropic-commercial-terms",
	"anthropic-dpa", "anthropic-usage-policy", "anthropic-retention-consumer",
	"anthropic-retention-commercial", "anthropic-api-data-retention", "anthropic-baa",
	"aws-bedrock-data-protection", "aws-bedrock-data-retention", "azure-foundry-claude-data-privacy",
}

// corpus is the shared folder of real vendor pages, next to the repository.
const corpus = "../../../shared/corpus"

func TestShippedDeclarations(t *testing.T) {
	fromDir, err := LoadDir("../../sources")
	if err != nil {
		t.Fatalf("LoadDir(../../sources):\n%v", err)
	}
	embedded, err := Load(clausewatch.Sources())
	if err != nil {
		t.Fatalf("Load(embedded sources):\n%v", err)
	}
	if len(embedded) != len(fromDir) {
		t.Errorf("embedded sources hold %d vendors, the directory %d", len(embedded), len(fromDir))
	}
	v, _, ok := Find(embedded, "anthropic-consumer-terms")
	if !ok || v.ID != "anthropic" || v.File != "sources/anthropic.yaml" {
		t.Fatalf("Find(anthropic-consumer-terms) = vendor %q in %q, %v", v.ID, v.File, ok)
	}

	var tiers []string
	for _, tr := range v.Tiers {
		tiers = append(tiers, tr.ID)
	}
	wantTiers := []string{"consumer", "team", "enterprise", "api", "api-zdr", "bedrock", "azure-foundry"}
	if !slices.Equal(tiers, wantTiers) {
		t.Errorf("anthropic tiers = %v, want %v", tiers, wantTiers)
	}

	for _, id := range designIDs {
		t.Run(id, func(t *testing.T) {
			_, s, ok := Find(embedded, id)
			if !ok {
				t.Fatalf("source %s is not declared", id)
			}
			u, err := url.Parse(s.URL)
			if err != nil || u.Scheme != "https" {
				t.Errorf("URL %q is not https", s.URL)
			}
			if len(s.Tiers) == 0 {
				t.Errorf("source %s speaks for no tier", id)
			}
			if s.Render != terms.RenderHTTP {
				t.Errorf("source %s render = %q, want plain HTTP", id, s.Render)
			}
		})
	}
	// DESIGN.md allows more sources; the named ones must all be there.
	if len(v.Sources) < len(designIDs) {
		t.Errorf("anthropic declares %d sources, DESIGN.md names %d", len(v.Sources), len(designIDs))
	}

	// Every tier is spoken for by at least one page, and every tier is named
	// by the words pages use for it (api-zdr excepted: pages that name
	// ZDR speak of the api tier too).
	for _, tier := range wantTiers {
		if !slices.ContainsFunc(v.Sources, func(s terms.Source) bool { return slices.Contains(s.Tiers, tier) }) {
			t.Errorf("no page speaks for tier %s", tier)
		}
	}
	for _, tier := range v.Tiers {
		if len(tier.Names) == 0 && tier.ID != "api-zdr" {
			t.Errorf("tier %s declares no names", tier.ID)
		}
	}
}

// TestShippedAgainstCorpusHTML checks the declarations of the anthropic.com
// pages against the real pages: each select selector finds something, each
// clause selector's first element names a heading inside the selection, and
// each match expression finds text there.
func TestShippedAgainstCorpusHTML(t *testing.T) {
	dir := filepath.Join(corpus, "latest", "Claude.ai")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real pages not available (%v): the shared corpus sits next to the repository only in the project workspace", err)
	}
	vendors, err := LoadDir("../../sources")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"anthropic-consumer-terms":   "Terms of Service.html",
		"anthropic-privacy-policy":   "Privacy Policy #legal-privacy.html",
		"anthropic-commercial-terms": "Commercial Terms.html",
		"anthropic-dpa":              "Data Processor Agreement #legal-data-processing-addendum.html",
		"anthropic-usage-policy":     "Acceptable Use Policy #legal-aup.html",
	}
	for id, name := range files {
		t.Run(id, func(t *testing.T) {
			_, s, ok := Find(vendors, id)
			if !ok {
				t.Fatalf("source %s not declared", id)
			}
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := html.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			var selected []*html.Node // the first of the fallbacks that matches
			for _, sel := range s.Select {
				if selected = cascadia.MustCompile(sel).MatchAll(doc); len(selected) > 0 {
					break
				}
			}
			if len(selected) == 0 {
				t.Errorf("no select of %q matches anything in %s", s.Select, name)
			}
			var headings []string
			var text strings.Builder
			heading := cascadia.MustCompile("h1, h2, h3, h4, h5, h6, strong, b")
			for _, n := range selected {
				for _, h := range heading.MatchAll(n) {
					if h.Data == "strong" || h.Data == "b" {
						if !isLeadIn(h) {
							continue
						}
					}
					headings = append(headings, nodeText(h))
				}
				text.WriteString(nodeText(n))
			}
			for _, r := range rulesOf(vendors, id) {
				if r.Clause != "" {
					first := strings.TrimSpace(strings.Split(r.Clause, ">")[0])
					if !slices.ContainsFunc(headings, func(h string) bool { return terms.Clause{Path: []string{h}}.Matches(first) }) {
						t.Errorf("line %d: clause %q: no heading of the selection starts with %q", r.Line, r.Clause, first)
					}
				}
				if r.Match != "" && !regexp.MustCompile(r.Match).MatchString(text.String()) {
					t.Errorf("line %d: match %q finds nothing in the selection", r.Line, r.Match)
				}
			}
		})
	}
}

// TestShippedAgainstCorpusText checks each match expression of the sources
// we hold only as text against that text. The stored copies are mostly the
// beginning of each page, so a few rules are expected to find nothing yet.
func TestShippedAgainstCorpusText(t *testing.T) {
	dir := filepath.Join(corpus, "text")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real page texts not available (%v): the shared corpus sits next to the repository only in the project workspace", err)
	}
	vendors, err := LoadDir("../../sources")
	if err != nil {
		t.Fatal(err)
	}
	// rules whose sentences lie past the stored beginning of the page
	notStored := map[string]bool{
		"aws-bedrock-data-protection/training":       true,
		"azure-foundry-claude-data-privacy/training": true,
	}
	for _, id := range []string{
		"anthropic-retention-consumer", "anthropic-retention-commercial", "anthropic-api-data-retention",
		"anthropic-baa", "aws-bedrock-data-protection", "aws-bedrock-data-retention", "azure-foundry-claude-data-privacy",
	} {
		t.Run(id, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, id+".md"))
			if err != nil {
				t.Fatal(err)
			}
			text := pieces(string(data))
			if text == "" {
				t.Fatalf("%s.md holds no ~~~~text pieces", id)
			}
			for _, r := range rulesOf(vendors, id) {
				found := regexp.MustCompile(r.Match).MatchString(text)
				if want := !notStored[id+"/"+r.Attribute]; found != want {
					t.Errorf("line %d: %s match %q finds text: %v, want %v", r.Line, r.Attribute, r.Match, found, want)
				}
			}
		})
	}
}

func rulesOf(vendors []terms.Vendor, source string) []terms.Rule {
	var out []terms.Rule
	for _, v := range vendors {
		for _, r := range v.Rules {
			if r.Source == source {
				out = append(out, r)
			}
		}
	}
	return out
}

// pieces returns the verbatim texts of a corpus text file (the lines
// between "~~~~text" and the next "~~~~"), joined; headers are left out.
func pieces(md string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "~~~~text"):
			in = true
		case strings.HasPrefix(line, "~~~~"):
			in = false
		case in:
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// isLeadIn reports whether a bold element opens its paragraph or list item
// ("<p><strong>Our use of Materials.</strong> We may…"), the shape extraction
// reads as a heading-path element; bold words inside a sentence are not.
func isLeadIn(n *html.Node) bool {
	p := n.Parent
	if p == nil || p.Data != "p" && p.Data != "li" {
		return false
	}
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" {
			continue
		}
		return c == n
	}
	return false
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// ownCloud are the shipped vendors that sell their models on their own
// cloud only, so that no other party's terms govern the data.
var ownCloud = map[string]bool{"google": true, "microsoft": true}

// TestShippedNames checks that the shipped vendors declare the names the
// attribute readers know the parties and tiers by.
func TestShippedNames(t *testing.T) {
	vendors, err := Load(clausewatch.Sources())
	if err != nil {
		t.Fatalf("Load(embedded sources):\n%v", err)
	}
	for _, v := range vendors {
		t.Run(v.ID, func(t *testing.T) {
			if !slices.Contains(v.Names, v.Name) {
				t.Errorf("names %q lack the display name %q", v.Names, v.Name)
			}
			if len(v.Products) == 0 {
				t.Errorf("products %q: want some declared", v.Products)
			}
			// Clouds are the other parties that resell the vendor's models;
			// a vendor that sells them on its own cloud only has none.
			if ownCloud[v.ID] != (len(v.Clouds) == 0) {
				t.Errorf("clouds %q: want them declared unless the vendor sells its models on its own cloud only (%v)", v.Clouds, ownCloud[v.ID])
			}
			for _, tr := range v.Tiers {
				// ZDR is an arrangement on top of the API, not a plan of its own.
				if len(tr.Names) == 0 && tr.ID != "api-zdr" {
					t.Errorf("tier %s declares no names", tr.ID)
				}
			}
		})
	}
}
