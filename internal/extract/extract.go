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
	"context"
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
	// Select are CSS selectors tried in order, as fallbacks: the first whose
	// matches (in document order, outermost only) hold content is the
	// document. A comma inside one selector is CSS's own union ("a, b").
	// Empty: the <body>.
	Select  []string
	Remove  []string // removed from the selection before reading
	MinText int      // minimum characters of text for a valid document; 0: DefaultMinText; negative: any non-empty text
	// Auto: when no selector gives content, find the content without
	// selectors (Result.Method is MethodAuto). Such a document is only a
	// guess: Accept says whether it may be recorded.
	Auto bool
	// Charset is the charset the HTTP Content-Type header gave
	// ("iso-8859-1"): the page is decoded by it when the page declares
	// none itself (a byte-order mark, a <meta> charset). Empty: UTF-8.
	// Page sets it from its content type.
	Charset string
}

// The ways Extract and Page find a page's content (Result.Method), other
// than MethodSelect followed by the selector that matched ("select:main").
const (
	MethodSelect = "select:" // a declared selector: "select:main", "select:#content"
	MethodBody   = "body"    // no selector declared: the whole <body>
	MethodAuto   = "auto"    // no declared selector gave content: found without selectors (Options.Auto)
	MethodText   = "text"    // a plain-text or markdown copy, read line by line
)

// Result is the document of a page and the way its content was found.
type Result struct {
	terms.Document
	Method string // MethodSelect and the selector, MethodBody, MethodAuto or MethodText
	// Unmatched says, for MethodAuto, what each declared selector gave
	// (`select "main" matched nothing`).
	Unmatched string
}

// ErrNoContent means the page came back but the declared content is not in
// it: a selector matched nothing, or the text is too short (an empty app
// shell, a bot challenge, an application error page). Extract wraps it with
// the selector and the detail.
var ErrNoContent = errors.New("declared content not found")

// ErrTooLarge means the page makes more than MaxClauses clauses or holds
// more than MaxText bytes of text: it is not read at all (the error names
// the count), however its selectors fare.
var ErrTooLarge = errors.New("page too large to read")

// challengeTitles are page titles of bot challenges and interstitials: such
// a page is never a version of the terms, however much text it holds.
var challengeTitles = []string{
	"just a moment...",
	"attention required! | cloudflare",
	"access denied",
	"please wait...",
	"checking your browser",
}

// Page reads a stored page by its content type: plain text and markdown
// (an archive's text export) line by line with ExtractText (Method
// MethodText), anything else as HTML with Extract. The content type's
// charset parameter decodes a page that declares no charset itself
// (Options.Charset).
//
// Reading stops when ctx is done, returning its error; a page of more
// than MaxClauses clauses or MaxText bytes of text is an error wrapping
// ErrTooLarge.
func Page(ctx context.Context, raw []byte, contentType string, opts Options) (Result, error) {
	return Prepare(raw, contentType, opts).Read(ctx)
}

// Extract reads the declared content of an HTML page into a Document.
//
// The page is decoded from the charset its <meta> declares when that is not
// UTF-8. The selectors of opts.Select are tried in order: the first whose
// matches, read in document order (nested matches once), hold at least
// opts.MinText characters of text is the document, and Method names it
// ("select:main"). Without selectors the <body> is read (MethodBody). Nodes
// matching opts.Remove and non-text elements (script, style, svg, nav,
// button, form, img…) are left out. Clauses follow the rules of the package
// documentation. Title is the first <h1> of the content, or else the page's
// <title>.
//
// When no selector gives content and opts.Auto is set, the content is
// found without selectors (MethodAuto): the <body> without navigation,
// asides, the page's own header and footer, hidden elements and blocks
// mostly of links (stripFurniture).
//
// Extract returns an error wrapping ErrNoContent, naming each selector,
// when no way gives content: a selector matches nothing or too little text,
// or the page is a bot challenge (never read any way). It never returns an
// empty Document without an error. An invalid selector is an error naming
// it. A page of more than MaxClauses clauses or MaxText bytes of text is
// an error wrapping ErrTooLarge and naming the count.
func Extract(page []byte, opts Options) (Result, error) {
	return extract(context.Background(), page, opts, true)
}

// extract is Extract, stopping with ctx's error when ctx is done, through
// the one reading of a prepared page (Prepared.Read); stream says whether
// the selection may be read from the scan of the page's tags
// (streamSelect) rather than from the whole page's tree.
// Both ways give the same Result (a test reads every fixture and corpus
// page both ways); the full parse is kept for selectors that need context
// and for pages where no selector gives content.
func extract(ctx context.Context, page []byte, opts Options, stream bool) (Result, error) {
	p := &Prepared{opts: opts}
	p.prepareHTML(page, stream)
	return p.Read(ctx)
}

// extractFrom reads the parsed page; final is false when a selected page
// (streamSelect's) gave no content by any selector, so that the whole
// page must be read to say why or to find the content without selectors.
// A page too large to read and a stopped context are final.
func extractFrom(ctx context.Context, page []byte, opts Options, sels, rems []cascadia.Selector) (x Result, final bool, err error) {
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return Result{}, true, fmt.Errorf("parse html: %w", err)
	}
	doc := goquery.NewDocumentFromNode(root)
	name := "body"
	if len(opts.Select) > 0 {
		name = strings.Join(opts.Select, ", ")
	}
	pageTitle := Normalize(doc.Find("title").First().Text())
	for _, t := range challengeTitles {
		if strings.EqualFold(pageTitle, t) {
			return Result{}, true, fmt.Errorf("select %q: challenge page %q: %w", name, pageTitle, ErrNoContent)
		}
	}
	r := reader{ctx: ctx, doc: doc, rems: rems, title: pageTitle, minText: opts.MinText}
	body := doc.Find("body").Nodes
	if len(sels) == 0 {
		d, short, err := r.read(body)
		if err != nil {
			return Result{}, true, fmt.Errorf("select %q: %w", name, err)
		}
		if short != "" {
			return Result{}, true, fmt.Errorf("select %q: %s: %w", name, short, ErrNoContent)
		}
		return Result{Document: d, Method: MethodBody}, true, nil
	}
	x, unmatched, err := r.first(root, sels, opts.Select)
	switch {
	case err != nil:
		return Result{}, true, err
	case unmatched == "":
		return x, true, nil
	case !opts.Auto || len(body) == 0:
		return Result{}, false, fmt.Errorf("%s: %w", unmatched, ErrNoContent)
	}
	stripFurniture(body[0])
	d, short, err := r.read(body)
	if err != nil {
		return Result{}, true, fmt.Errorf("%s; without selectors: %w", unmatched, err)
	}
	if short != "" {
		return Result{}, false, fmt.Errorf("%s; without selectors: %s: %w", unmatched, short, ErrNoContent)
	}
	return Result{Document: d, Method: MethodAuto, Unmatched: unmatched}, false, nil
}

// reader reads selected nodes of one parsed page into a Document.
type reader struct {
	ctx     context.Context
	doc     *goquery.Document
	rems    []cascadia.Selector
	title   string // the page's <title>, normalized
	minText int
}

// first reads the matches of the first of sels (named by names) that hold
// content. When none does, unmatched says what each gave. err is a page
// too large to read or ctx's error: no other selector is tried.
func (r reader) first(root *html.Node, sels []cascadia.Selector, names []string) (x Result, unmatched string, err error) {
	var misses []string
	for i, m := range sels {
		nodes := outermost(root, r.doc.FindMatcher(m).Nodes)
		if len(nodes) == 0 {
			misses = append(misses, fmt.Sprintf("select %q matched nothing", names[i]))
			continue
		}
		d, short, err := r.read(nodes)
		if err != nil {
			return Result{}, "", fmt.Errorf("select %q: %w", names[i], err)
		}
		if short == "" {
			return Result{Document: d, Method: MethodSelect + names[i]}, "", nil
		}
		misses = append(misses, fmt.Sprintf("select %q: %s", names[i], short))
	}
	return Result{}, strings.Join(misses, "; "), nil
}

// read reads nodes (in document order, none inside another) without what
// the removals match. short is why they hold no content ("12 characters of
// text, want at least 200"), or "". err is ctx's error, or ErrTooLarge
// with the count when the nodes make more than MaxClauses clauses or
// MaxText bytes of text.
func (r reader) read(nodes []*html.Node) (d terms.Document, short string, err error) {
	sel := r.doc.FindNodes(nodes...)
	for _, m := range r.rems {
		sel.FindMatcher(m).Remove()
	}
	w := newWalker(r.ctx)
	for _, n := range nodes {
		w.node(n)
		// A new selected node starts afresh: headings of one match do not
		// carry over to the next.
		w.b.truncate(0)
	}
	if w.err != nil {
		return terms.Document{}, "", w.err
	}
	if err := w.b.tooMany(); err != nil {
		return terms.Document{}, "", err
	}
	d = w.b.finish()
	if d.Title == "" {
		d.Title = r.title
	}
	minText := r.minText
	if minText == 0 {
		minText = DefaultMinText
	}
	n := 0
	for _, c := range d.Clauses {
		n += utf8.RuneCountInString(c.Text)
	}
	if len(d.Clauses) == 0 || n < minText {
		return terms.Document{}, fmt.Sprintf("%d characters of text, want at least %d", n, max(minText, 1)), nil
	}
	return d, "", nil
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

// decode returns page as UTF-8: a byte-order mark or a <meta> charset in
// the first few kilobytes says how it is encoded, or else fallback (the
// HTTP header's charset), or else it is UTF-8.
func decode(page []byte, fallback string) []byte {
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
	} else {
		label = fallback
	}
	return decodeAs(page, label)
}

// decodeText returns a text page as UTF-8: by its byte-order mark, or else
// by fallback (the HTTP header's charset), or else as it is.
func decodeText(page []byte, fallback string) []byte {
	switch {
	case bytes.HasPrefix(page, []byte("\xEF\xBB\xBF")):
		return page[3:]
	case bytes.HasPrefix(page, []byte("\xFE\xFF")):
		return decodeAs(page, "utf-16be")
	case bytes.HasPrefix(page, []byte("\xFF\xFE")):
		return decodeAs(page, "utf-16le")
	}
	return decodeAs(page, fallback)
}

// decodeAs decodes page from the charset label names; an empty, unknown
// or UTF-8 label, or bytes that do not decode, leave page as it is.
func decodeAs(page []byte, label string) []byte {
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
