package extract

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Sentences of our own for the pages below.
const (
	newText = "The new layout keeps every policy in the main element. It has enough words to count as a page of terms on its own."
	oldText = "The old layout kept every policy in a block with an id. It too has enough words to count as a page of terms on its own."
)

// page builds a small page of our own words: main (nil: none) and old (nil:
// no #old block) are the texts of a <main> and of a <div id="old">.
func page(main, old *string) []byte {
	var b strings.Builder
	b.WriteString(`<html><head><title>Example policy</title></head><body><header><nav><a href="/">Home</a></nav></header>`)
	if main != nil {
		b.WriteString(`<main><p>` + *main + `</p></main>`)
	}
	if old != nil {
		b.WriteString(`<div id="old"><p>` + *old + `</p></div>`)
	}
	b.WriteString(`<footer><a href="/careers">Careers</a></footer></body></html>`)
	return []byte(b.String())
}

func ptr(s string) *string { return &s }

// TestExtractFallbacks: selectors are tried in order and the first whose
// matches hold content wins; a comma inside one selector is a union.
func TestExtractFallbacks(t *testing.T) {
	both := page(ptr(newText), ptr(oldText))
	tests := []struct {
		name   string
		page   []byte
		opts   Options
		method string
		has    []string // sentences the document holds
		lacks  []string
	}{
		{"first that matches", both, Options{Select: []string{"main", "#old"}, MinText: 10},
			"select:main", []string{newText}, []string{oldText}},
		{"order decides", both, Options{Select: []string{"#old", "main"}, MinText: 10},
			"select:#old", []string{oldText}, []string{newText}},
		{"first matches nothing", page(nil, ptr(oldText)), Options{Select: []string{"main", "#old"}, MinText: 10},
			"select:#old", []string{oldText}, nil},
		{"first holds too little text", page(ptr("Loading"), ptr(oldText)), Options{Select: []string{"main", "#old"}, MinText: 10},
			"select:#old", []string{oldText}, []string{"Loading"}},
		{"a comma is CSS's union", both, Options{Select: []string{"main, #old"}, MinText: 10},
			"select:main, #old", []string{newText, oldText}, nil},
		{"no selector: the body", both, Options{MinText: 10},
			MethodBody, []string{newText, oldText, "Careers"}, nil},
		{"a later selector wins over auto", page(nil, ptr(oldText)), Options{Select: []string{"main", "#old"}, MinText: 10, Auto: true},
			"select:#old", []string{oldText}, nil},
		{"no selector matches: auto", page(nil, ptr(oldText)), Options{Select: []string{"main", "article"}, MinText: 10, Auto: true},
			MethodAuto, []string{oldText}, []string{"Home", "Careers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := Extract(tt.page, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if x.Method != tt.method {
				t.Errorf("method = %q, want %q", x.Method, tt.method)
			}
			text := x.Text()
			for _, s := range tt.has {
				if !strings.Contains(text, s) {
					t.Errorf("document lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(text, s) {
					t.Errorf("document holds %q:\n%s", s, text)
				}
			}
			if (x.Method == MethodAuto) != (x.Unmatched != "") {
				t.Errorf("unmatched = %q with method %q", x.Unmatched, x.Method)
			}
		})
	}
}

// TestExtractAuto reads pages of old layouts (no <main>) without
// selectors: the text is found, the furniture is not.
func TestExtractAuto(t *testing.T) {
	terms0 := fixture.ConsumerTerms(fixture.TrainingNever)
	landing := terms0
	landing.Layout = fixture.LandingPage
	tests := []struct {
		name  string
		page  []byte
		has   []string
		lacks []string
	}{
		{"landing page", landing.HTML(),
			[]string{"Example AI Consumer Terms", "Effective 1 March 2026", "3. Your content > Use of your content | " + fixture.TrainingNever},
			[]string{"On this page", "Careers", "©", "Pricing", "Search"}},
		{"menus without landmarks", []byte(`<html><body><div class="top"><a href="/">Home</a> | <a href="/pricing">Pricing</a> | <a href="/blog">Blog</a></div>` +
			`<div class="crumbs"><a href="/legal">Legal</a> / <a href="/legal/terms">Terms</a></div>` +
			`<div class="wrap"><h2><a href="/legal/terms#use">Use of the service</a></h2><p>` + oldText + ` See <a href="/help">our help pages</a> for more.</p>` +
			`<ul class="related"><li><a href="/a">Privacy policy</a></li><li><a href="/b">Cookie policy</a></li></ul></div>` +
			`<div role="contentinfo">All rights reserved by nobody in particular.</div><div aria-hidden="true">Decorative copy of the heading.</div><div hidden>Hidden text.</div></body></html>`),
			[]string{"Use of the service | " + oldText + " See our help pages for more."},
			[]string{"Home", "Legal", "Privacy policy", "All rights reserved", "Decorative", "Hidden text"}},
		{"an article's own header stays", []byte(`<html><body><header><a href="/">Logo</a></header><div><article><header><h1>Example policy</h1><p>Effective 2 February 2026</p></header><p>` + oldText + `</p></article></div>` +
			`<aside><p>Try our app today, it is free and it has more words than you would expect.</p></aside><footer><p>Company address line</p></footer></body></html>`),
			[]string{"Example policy", "Effective 2 February 2026", oldText},
			[]string{"Logo", "Try our app", "Company address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := Extract(tt.page, Options{Select: []string{"main"}, MinText: 50, Auto: true})
			if err != nil {
				t.Fatal(err)
			}
			if x.Method != MethodAuto || x.Unmatched != `select "main" matched nothing` {
				t.Errorf("method %q, unmatched %q", x.Method, x.Unmatched)
			}
			text := x.Text()
			for _, s := range tt.has {
				if !strings.Contains(text, s) {
					t.Errorf("document lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(text, s) {
					t.Errorf("document holds %q:\n%s", s, text)
				}
			}
		})
	}

	// Without selectors, the landing page reads as a declaration that knows
	// the layout reads it, and covers the same terms laid out in <main>.
	auto, err := Extract(landing.HTML(), Options{Select: []string{"main"}, Auto: true})
	if err != nil {
		t.Fatal(err)
	}
	declared, err := Extract(landing.HTML(), Options{Select: []string{`[id^="landing-"]`}, Remove: []string{"header", "footer", `[class^="toc_"]`}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(declared.Document, auto.Document); diff != "" {
		t.Errorf("auto differs from the declared reading (-declared +auto):\n%s", diff)
	}
	legal, err := Extract(terms0.HTML(), Options{Select: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := Coverage(legal.Document, auto.Document); c < 0.8 {
		t.Errorf("the landing page holds %.2f of the legal page's sentences, want most", c)
	}
}

// TestExtractAutoFails: a page without the terms fails with auto too, and
// the error names every declared selector.
func TestExtractAutoFails(t *testing.T) {
	tests := []struct {
		name string
		page []byte
		want string
	}{
		{"empty shell", fixture.EmptyShell(3), `select "main" matched nothing; select "#old" matched nothing; without selectors: 0 characters of text`},
		{"shell of our testdata", readFile(t, "empty-shell.html"), "without selectors: 0 characters"},
		{"challenge page", readFile(t, "challenge.html"), "challenge page"},
		{"application error page", readFile(t, "app-error.html"), `select "main": `},
		{"navigation only", []byte(`<html><body><div><a href="/a">Plans and pricing for every team</a> <a href="/b">Careers at the company</a> <a href="/c">Press and media enquiries</a> <a href="/d">Status of every service</a></div>` +
			`<div><ul><li><a href="/e">Terms of use for consumers</a></li><li><a href="/f">Terms of use for businesses</a></li><li><a href="/g">Privacy policy and cookie notice</a></li></ul></div></body></html>`), "without selectors: 0 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := Extract(tt.page, Options{Select: []string{"main", "#old"}, Auto: true})
			if !errors.Is(err, ErrNoContent) {
				t.Fatalf("err = %v, want ErrNoContent (method %q, %d clauses)", err, x.Method, len(x.Clauses))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func doc(texts ...string) terms.Document {
	d := terms.Document{}
	for _, s := range texts {
		d.Clauses = append(d.Clauses, terms.Clause{Kind: terms.KindParagraph, Text: s})
	}
	return d
}

func TestCoverage(t *testing.T) {
	prev := doc("One sentence here. Two sentences here.", "Third one stands alone.", "Fourth, with e.g. an abbreviation.")
	tests := []struct {
		name string
		prev terms.Document
		next terms.Document
		want float64
	}{
		{"same text", prev, prev, 1},
		{"paragraphs split and joined anew", prev, doc("One sentence here.", "Two sentences here. Third one stands alone.", "Fourth, with e.g. an abbreviation."), 1},
		{"typography only", prev, doc("One sentence here.  Two sentences here.", "Third one stands alone.", "Fourth, with e.g.\u00a0an abbreviation."), 1},
		{"half of it", prev, doc("One sentence here. Two sentences here.", "Something else entirely."), 0.4},
		{"extra text does not lower it", prev, doc("One sentence here. Two sentences here.", "Third one stands alone.", "Fourth, with e.g. an abbreviation.", "A new clause."), 1},
		{"nothing in common", prev, doc("Just a moment. Checking your browser."), 0},
		{"empty next", prev, terms.Document{}, 0},
		{"empty previous", terms.Document{}, prev, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Coverage(tt.prev, tt.next); got != tt.want {
				t.Errorf("Coverage = %v, want %v", got, tt.want)
			}
			if got, want := Covers(tt.prev, tt.next, 0.6), tt.want >= 0.6; got != want {
				t.Errorf("Covers(0.6) = %v, want %v", got, want)
			}
		})
	}
}

func TestAccept(t *testing.T) {
	prev := doc("One sentence here. Two sentences here.", "Third one stands alone.")
	auto := func(d terms.Document) Result {
		return Result{Document: d, Method: MethodAuto, Unmatched: `select "main" matched nothing`}
	}
	tests := []struct {
		name string
		x    Result
		prev *terms.Document
		want string // in the error; "" for none
	}{
		{"a declared selector needs no check", Result{Document: doc("Other."), Method: "select:main"}, nil, ""},
		{"a text copy needs no check", Result{Document: doc("Other."), Method: MethodText}, &prev, ""},
		{"auto covering the previous version", auto(doc("One sentence here.", "Two sentences here. Third one stands alone.", "New.")), &prev, ""},
		{"auto without a version to check", auto(prev), nil, `select "main" matched nothing; the content found without selectors has no recorded version`},
		{"auto holding too little", auto(doc("One sentence here. Something else.")), &prev, "holds 33% of the sentences of the version nearest in time, want at least 60%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Accept(tt.x, tt.prev, MinCoverage)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrNoContent) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrNoContent containing %q", err, tt.want)
			}
		})
	}
}

// TestPage reads a page by its content type.
func TestPage(t *testing.T) {
	opts := Options{Select: []string{"main"}, Auto: true}
	tests := []struct {
		name, ct, page string
		method         string // "" for an error wrapping ErrNoContent
	}{
		{"plain text", "text/plain; charset=utf-8", "# Title\n\nWe keep chats for 30 days.\n", MethodText},
		{"markdown", "text/markdown", "# Title\n\nWe keep chats for 30 days.\n", MethodText},
		{"empty text", "text/markdown", "\n\n", ""},
		{"HTML", "text/html", string(page(ptr(newText+" "+oldText+" "+newText), nil)), "select:main"},
		{"HTML without the content", "text/html", "<html><body><div>app shell</div></body></html>", ""},
		{"no content type is HTML", "", string(page(ptr(newText+" "+oldText+" "+newText), nil)), "select:main"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := Page(context.Background(), []byte(tt.page), tt.ct, opts)
			if tt.method == "" {
				if !errors.Is(err, ErrNoContent) {
					t.Errorf("err = %v, want ErrNoContent", err)
				}
				return
			}
			if err != nil || x.Method != tt.method || len(x.Clauses) == 0 {
				t.Errorf("method %q, %d clauses, err %v; want %q", x.Method, len(x.Clauses), err, tt.method)
			}
		})
	}
}
