// Package extract turns a watched page into a terms.Document: the clauses of
// its declared content with their heading paths, in page order.
//
// Only text enters a Document: attributes (class names, ids, data-*, link
// targets with their tracking parameters), scripts, styles and build ids
// never do, so noise in markup never makes a new version. All text is put
// in canonical form by Normalize. The rules, shared by Extract (HTML) and
// ExtractText (pages held only as text):
//
//   - h1–h6 push onto the heading path by level (an h2 pops h2…h6);
//   - a paragraph (a <p>, or the direct text of a <div>) is a clause with
//     the current path;
//   - a paragraph opening with a bold lead-in ending in "." or ":"
//     ("<p><strong>Our use of Materials.</strong> We may…</p>", also after a
//     section number: "A.1. <strong>Overview.</strong> …") is a clause whose
//     path ends with the lead-in (without its final dot) and whose text is
//     the rest;
//   - a short paragraph of bold text only is a sub-heading one level below
//     the current heading, until the next heading or bold paragraph (or a
//     lead-in numbered as its sibling: "I.4." after "I.3.");
//   - section numbers stay in path elements ("6. Materials");
//   - each list item is a clause of kind list-item; the items of a nested
//     list add their parent item's lead-in, or its first 80 characters, to
//     their path;
//   - each body row of a table is a clause of kind table-row, its text
//     "Header: cell; Header: cell" (column headers from <thead>, or a first
//     row of <th> or bold cells), or "Row header: cell" for rows opening with
//     a <th>; a <caption> is added to the path;
//   - a heading with nothing under it is a clause of kind heading whose text
//     is the heading itself.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// DefaultMinText is the minimum number of characters of clause text a page
// must yield when Options.MinText is zero.
const DefaultMinText = 200

// Options declare where a page's content is.
type Options struct {
	Select  []string // CSS selectors; their matches (in document order, outermost only) form the document; empty: body
	Remove  []string // removed from the selection before reading
	MinText int      // minimum characters of text for a valid document; 0: DefaultMinText; negative: any non-empty text
}

// ErrNoContent means the page came back but the declared content is not in
// it: a selector matched nothing, or the text is too short (an empty app
// shell, a bot challenge, an application error page). Extract wraps it with
// the selector and the detail.
var ErrNoContent = errors.New("declared content not found")

// challengeTitles are page titles of bot challenges and interstitials: such
// a page is never a version of the terms, however much text it holds.
var challengeTitles = []string{
	"just a moment...",
	"attention required! | cloudflare",
	"access denied",
	"please wait...",
	"checking your browser",
}

// Extract reads the declared content of an HTML page into a Document.
//
// The page is decoded from the charset its <meta> declares when that is not
// UTF-8. The nodes matching opts.Select (the <body> when empty) are read in
// document order, nested matches once; nodes matching opts.Remove and
// non-text elements (script, style, svg, nav, button, form, img…) are left
// out. Clauses follow the rules of the package documentation. Title is the
// first <h1> of the content, or else the page's <title>.
//
// Extract returns an error wrapping ErrNoContent, naming the selector, when
// a selector matches nothing, when the page is a bot challenge, or when the
// content has fewer than opts.MinText characters of text; it never returns
// an empty Document without an error. An invalid selector is an error naming
// it.
func Extract(page []byte, opts Options) (terms.Document, error) {
	sels, err := compile("select", opts.Select)
	if err != nil {
		return terms.Document{}, err
	}
	rems, err := compile("remove", opts.Remove)
	if err != nil {
		return terms.Document{}, err
	}
	root, err := html.Parse(bytes.NewReader(decode(page)))
	if err != nil {
		return terms.Document{}, fmt.Errorf("parse html: %w", err)
	}
	doc := goquery.NewDocumentFromNode(root)
	name := "body"
	if len(opts.Select) > 0 {
		name = strings.Join(opts.Select, ", ")
	}
	pageTitle := Normalize(doc.Find("title").First().Text())
	for _, t := range challengeTitles {
		if strings.EqualFold(pageTitle, t) {
			return terms.Document{}, fmt.Errorf("select %q: challenge page %q: %w", name, pageTitle, ErrNoContent)
		}
	}

	var selection *goquery.Selection
	if len(sels) == 0 {
		selection = doc.Find("body")
	} else {
		selection = doc.FindNodes()
		for i, m := range sels {
			found := doc.FindMatcher(m)
			if found.Length() == 0 {
				return terms.Document{}, fmt.Errorf("select %q matched nothing: %w", opts.Select[i], ErrNoContent)
			}
			selection = selection.AddSelection(found)
		}
	}
	nodes := outermost(root, selection.Nodes)
	if len(nodes) == 0 {
		return terms.Document{}, fmt.Errorf("select %q matched nothing: %w", name, ErrNoContent)
	}
	sel := doc.FindNodes(nodes...)
	for _, m := range rems {
		sel.FindMatcher(m).Remove()
	}

	w := newWalker()
	for _, n := range nodes {
		w.node(n)
		// A new selected node starts afresh: headings of one match do not
		// carry over to the next.
		w.b.truncate(0)
	}
	d := w.b.finish()
	if d.Title == "" {
		d.Title = pageTitle
	}
	minText := opts.MinText
	if minText == 0 {
		minText = DefaultMinText
	}
	n := 0
	for _, c := range d.Clauses {
		n += utf8.RuneCountInString(c.Text)
	}
	if len(d.Clauses) == 0 || n < minText {
		return terms.Document{}, fmt.Errorf("select %q: %d characters of text, want at least %d: %w", name, n, max(minText, 1), ErrNoContent)
	}
	return d, nil
}

// compile parses CSS selectors; what names the option in errors.
func compile(what string, sels []string) ([]cascadia.Selector, error) {
	out := make([]cascadia.Selector, 0, len(sels))
	for i, s := range sels {
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("%s[%d]: empty selector", what, i)
		}
		m, err := cascadia.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("%s[%d] %q: %w", what, i, s, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// outermost returns the nodes in document order, dropping duplicates and
// nodes inside another one of them.
func outermost(root *html.Node, nodes []*html.Node) []*html.Node {
	if len(nodes) == 0 {
		return nil
	}
	set := make(map[*html.Node]bool, len(nodes))
	for _, n := range nodes {
		set[n] = true
	}
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if set[n] {
			out = append(out, n)
			return // descendants are read with it
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

// metaCharset finds the charset a page declares in a <meta> element.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)`)

// decode returns page as UTF-8: pages are UTF-8 unless a byte-order mark or
// a <meta> charset in the first few kilobytes says otherwise.
func decode(page []byte) []byte {
	if bytes.HasPrefix(page, []byte("\xEF\xBB\xBF")) {
		return page[3:]
	}
	head := page
	if len(head) > 4096 {
		head = head[:4096]
	}
	label := ""
	if bytes.HasPrefix(head, []byte("\xFE\xFF")) {
		label = "utf-16be"
	} else if bytes.HasPrefix(head, []byte("\xFF\xFE")) {
		label = "utf-16le"
	} else if m := metaCharset.FindSubmatch(head); m != nil {
		label = string(m[1])
	}
	if label == "" {
		return page
	}
	enc, name := charset.Lookup(label)
	if enc == nil || name == "utf-8" {
		return page
	}
	out, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		return page
	}
	return out
}
