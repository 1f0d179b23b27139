package extract

import (
	"context"

	"golang.org/x/net/html"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// skipTags are never read: code, media, controls and navigation. Inside the
// selection they hold no terms; outside it they are not visited at all.
var skipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"math": true, "iframe": true, "object": true, "embed": true, "canvas": true,
	"video": true, "audio": true, "picture": true, "img": true, "nav": true,
	"button": true, "select": true, "option": true, "form": true, "input": true,
	"textarea": true, "head": true, "meta": true, "link": true,
}

// blockTags start a block of their own; everything else (a, span, strong,
// custom elements without block content…) is inline.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "body": true,
	"caption": true, "center": true, "dd": true, "details": true, "dialog": true,
	"div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "header": true, "hgroup": true, "hr": true, "html": true,
	"li": true, "main": true, "menu": true, "ol": true, "p": true, "pre": true,
	"section": true, "summary": true, "table": true, "tbody": true, "td": true,
	"tfoot": true, "th": true, "thead": true, "tr": true, "ul": true, "legend": true,
}

// walker reads the selected nodes into a builder.
type walker struct {
	b        builder
	hasBlock map[*html.Node]bool // memo: the subtree holds a block element
	ctx      context.Context     // checked every checkEvery nodes; once done, the walk stops
	steps    int
	err      error // ctx's error once the walk stopped on it
}

func newWalker(ctx context.Context) *walker {
	return &walker{hasBlock: make(map[*html.Node]bool), ctx: ctx}
}

// checkEvery is how many nodes (or text blocks) are read between two looks
// at the context: often enough to stop within milliseconds, rarely enough
// to cost nothing.
const checkEvery = 1024

// stopped reports whether the walk must stop: its context is done.
func (w *walker) stopped() bool {
	if w.err != nil {
		return true
	}
	if w.steps++; w.steps%checkEvery == 0 {
		w.err = w.ctx.Err()
	}
	return w.err != nil
}

func headingLevel(tag string) int {
	if len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6' {
		return int(tag[1] - '0')
	}
	return 0
}

func skipped(n *html.Node) bool {
	return n.Type == html.CommentNode || n.Type == html.ElementNode && skipTags[n.Data]
}

// block reports whether n holds a block element (n itself included).
func (w *walker) block(n *html.Node) bool {
	if n.Type != html.ElementNode || skipTags[n.Data] {
		return false
	}
	if blockTags[n.Data] {
		return true
	}
	if v, ok := w.hasBlock[n]; ok {
		return v
	}
	v := false
	for c := n.FirstChild; c != nil && !v; c = c.NextSibling {
		v = w.block(c)
	}
	w.hasBlock[n] = v
	return v
}

// node reads one block-level node.
func (w *walker) node(n *html.Node) {
	if skipped(n) || w.stopped() {
		return
	}
	if n.Type == html.TextNode {
		w.b.paragraph(terms.KindParagraph, []run{{text: n.Data}})
		return
	}
	if n.Type != html.ElementNode && n.Type != html.DocumentNode {
		return
	}
	if l := headingLevel(n.Data); l > 0 {
		w.b.heading(l, joinPieces(w.pieces(n, false)))
		return
	}
	switch n.Data {
	case "li":
		w.listItem(n)
		return
	case "table":
		w.table(n)
		return
	}
	w.container(n)
}

// container reads the children of n: runs of inline children form a
// paragraph (a <p>, or the direct text of a <div>); block children are read
// in turn.
func (w *walker) container(n *html.Node) {
	var runs []run
	for c := n.FirstChild; c != nil && !w.stopped(); c = c.NextSibling {
		if skipped(c) {
			continue
		}
		if c.Type == html.TextNode || !w.block(c) {
			runs = w.inline(c, gap(c, runs), 0)
			continue
		}
		w.b.paragraph(terms.KindParagraph, runs)
		runs = runs[:0]
		w.node(c)
	}
	w.b.paragraph(terms.KindParagraph, runs)
}

// inline appends the text of the inline node n to runs; bold counts the
// enclosing <strong>/<b> elements.
func (w *walker) inline(n *html.Node, runs []run, bold int) []run {
	switch n.Type {
	case html.TextNode:
		return append(runs, run{text: n.Data, bold: bold > 0})
	case html.ElementNode:
	default:
		return runs
	}
	if skipTags[n.Data] {
		return runs
	}
	switch n.Data {
	case "br", "hr":
		return append(runs, run{text: " ", bold: bold > 0})
	case "strong", "b":
		bold++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		runs = w.inline(c, gap(c, runs), bold)
	}
	return runs
}

// gap appends a gap marker before c when c is an element that directly
// follows another element with no text between them: two adjacent spans
// or links ("<span>Effective May 1</span><a>Archive</a>") read as two words
// when the boundary looks like one (see joinRuns).
func gap(c *html.Node, runs []run) []run {
	if c.Type != html.ElementNode || len(runs) == 0 {
		return runs
	}
	p := c.PrevSibling
	for p != nil && p.Type == html.CommentNode {
		p = p.PrevSibling
	}
	if p == nil || p.Type != html.ElementNode {
		return runs
	}
	return append(runs, run{gap: true})
}

// pieces flattens n into the runs of each of its blocks (a list item's
// paragraphs, a cell's list items), normalized and without empty ones. With
// noLists, nested lists are left out (they are read as items of their own).
func (w *walker) pieces(n *html.Node, noLists bool) []string {
	var out []string
	for _, rs := range w.pieceRuns(n, noLists, nil) {
		if t := joinRuns(rs); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// pieceRuns is pieces before joining: one slice of runs per block.
func (w *walker) pieceRuns(n *html.Node, noLists bool, acc [][]run) [][]run {
	var runs []run
	flush := func() {
		if len(runs) > 0 {
			acc = append(acc, runs)
			runs = nil
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if skipped(c) {
			continue
		}
		if c.Type == html.TextNode || !w.block(c) {
			runs = w.inline(c, gap(c, runs), boolInt(n.Data == "strong" || n.Data == "b"))
			continue
		}
		flush()
		if noLists && (c.Data == "ul" || c.Data == "ol" || c.Data == "menu") {
			continue
		}
		acc = w.pieceRuns(c, noLists, acc)
	}
	flush()
	return acc
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listItem emits a list item (its text without nested lists), then its
// nested lists with the item's lead-in or leading text added to the path.
func (w *walker) listItem(li *html.Node) {
	blocks := w.pieceRuns(li, true, nil)
	var texts []string
	for _, rs := range blocks {
		if t := joinRuns(rs); t != "" {
			texts = append(texts, t)
		}
	}
	text := joinPieces(texts)
	w.b.emit(terms.KindListItem, text)

	var nested []*html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || skipTags[c.Data] {
				continue
			}
			switch c.Data {
			case "ul", "ol", "menu":
				nested = append(nested, c)
			default:
				find(c)
			}
		}
	}
	find(li)
	if len(nested) == 0 {
		return
	}
	depth := w.b.pushList("")
	if text != "" && len(blocks) > 0 {
		w.b.pushList(label(blocks[0], text))
	}
	for _, l := range nested {
		w.node(l)
	}
	w.b.popList(depth)
}

// table emits one clause per body row. A table used for layout (one column,
// or cells holding headings or tables) is read as ordinary content instead.
func (w *walker) table(t *html.Node) {
	var caption string
	var rows []*html.Node
	var head []*html.Node // rows inside <thead>
	var collect func(n *html.Node, inHead bool)
	collect = func(n *html.Node, inHead bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.Data {
			case "caption":
				caption = joinPieces(w.pieces(c, false))
			case "thead":
				collect(c, true)
			case "tbody", "tfoot":
				collect(c, inHead)
			case "tr":
				if inHead {
					head = append(head, c)
				} else {
					rows = append(rows, c)
				}
			}
		}
	}
	collect(t, false)
	if w.layoutTable(append(head, rows...)) {
		if caption != "" {
			w.b.paragraph(terms.KindParagraph, []run{{text: caption}})
		}
		for _, r := range append(head, rows...) {
			for _, c := range cells(r) {
				w.node(c)
			}
		}
		return
	}

	var headers []string
	switch {
	case len(head) > 0:
		headers = w.cellTexts(head[len(head)-1])
	case len(rows) > 1 && w.headerRow(rows[0]):
		headers = w.cellTexts(rows[0])
		rows = rows[1:]
	}
	var extra []string
	if caption != "" {
		extra = []string{pathText(caption)}
	}
	for _, r := range rows {
		cs := cells(r)
		texts := w.cellTexts(r)
		rowHeader := len(cs) > 1 && cs[0].Data == "th"
		w.b.emit(terms.KindTableRow, formatRow(headers, texts, rowHeader), extra...)
	}
}

// cells returns the th/td children of a row.
func cells(tr *html.Node) []*html.Node {
	var out []*html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
			out = append(out, c)
		}
	}
	return out
}

func (w *walker) cellTexts(tr *html.Node) []string {
	var out []string
	for _, c := range cells(tr) {
		out = append(out, joinPieces(w.pieces(c, false)))
	}
	return out
}

// headerRow reports whether a first row holds column headers: all its cells
// are <th>, or all its non-empty cells are bold text only.
func (w *walker) headerRow(tr *html.Node) bool {
	cs := cells(tr)
	if len(cs) < 2 {
		return false
	}
	allTH, allBold, nonEmpty := true, true, 0
	for _, c := range cs {
		if c.Data != "th" {
			allTH = false
		}
		var runs []run
		for _, rs := range w.pieceRuns(c, false, nil) {
			runs = append(runs, rs...)
		}
		if joinRuns(runs) == "" {
			continue
		}
		nonEmpty++
		for _, r := range runs {
			if !r.bold && !isBlank(r.text) {
				allBold = false
			}
		}
	}
	return allTH || nonEmpty > 0 && allBold
}

// layoutTable reports whether rows look like a layout table: no row has two
// non-empty cells, or a cell holds a heading or another table.
func (w *walker) layoutTable(rows []*html.Node) bool {
	multi := false
	for _, r := range rows {
		n := 0
		for _, c := range cells(r) {
			if hasTag(c, "h1", "h2", "h3", "h4", "h5", "h6", "table") {
				return true
			}
			if len(w.pieces(c, false)) > 0 {
				n++
			}
		}
		if n > 1 {
			multi = true
		}
	}
	return !multi
}

// hasTag reports whether a descendant of n is one of tags.
func hasTag(n *html.Node, tags ...string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || skipTags[c.Data] {
			continue
		}
		for _, t := range tags {
			if c.Data == t {
				return true
			}
		}
		if hasTag(c, tags...) {
			return true
		}
	}
	return false
}
