package extract

import (
	"bytes"
	"html"
	"strings"

	"github.com/andybalholm/cascadia"
	xhtml "golang.org/x/net/html"
)

// streamSelect scans a decoded page for its tags, without tokenizing text
// or building a tree (script, style and other raw-text bodies are skipped
// with one search for their end tag), and returns a small page holding only
// the page's <title> and the outermost elements that one of sels matches,
// byte for byte: parsing that instead of the whole page gives the same
// Document at a fraction of the cost, since the declared content is
// usually a small part of a page's bytes (inline scripts, navigation and
// footers make up the rest).
//
// ok is false when the scan cannot stand for the whole tree: a selector
// that needs context (combinators, pseudo-classes: streamable says), a
// match whose end a scan cannot see (an element closed implicitly, such as
// a <p> or <li>, or a void one), or no match at all (the full parse then
// finds the content without selectors, or says what each selector gave).
func streamSelect(page []byte, names []string, sels []cascadia.Selector) (mini []byte, ok bool) {
	for _, n := range names {
		if !streamable(n) {
			return nil, false
		}
	}
	var (
		regions   [][2]int
		title     []byte
		haveTitle bool
		node      = &xhtml.Node{Type: xhtml.ElementNode}
	)
	s := scanner{page: page}
	for {
		t, ok := s.next()
		if !ok {
			break
		}
		if t.end {
			continue
		}
		if t.name == "title" && !haveTitle {
			title, haveTitle = page[t.stop:t.rawEnd], true
			continue
		}
		node.Data = t.name
		node.Attr = t.attrs(node.Attr[:0])
		if !matchAny(sels, node) {
			continue
		}
		if t.selfClosing || implicitEnd[t.name] || voidElement[t.name] || rawText[t.name] {
			return nil, false
		}
		regions = append(regions, [2]int{t.start, s.closing(t.name)})
	}
	if len(regions) == 0 {
		return nil, false
	}
	var out bytes.Buffer
	n := 128 + len(title)
	for _, r := range regions {
		n += r[1] - r[0]
	}
	out.Grow(n)
	out.WriteString("<!DOCTYPE html><html><head>")
	if haveTitle {
		out.WriteString("<title>")
		out.WriteString(html.EscapeString(html.UnescapeString(string(title))))
		out.WriteString("</title>")
	}
	out.WriteString("</head><body>")
	for _, r := range regions {
		out.Write(page[r[0]:r[1]])
	}
	out.WriteString("</body></html>")
	return out.Bytes(), true
}

func matchAny(sels []cascadia.Selector, n *xhtml.Node) bool {
	for _, s := range sels {
		if s.Match(n) {
			return true
		}
	}
	return false
}

// scanner walks the tags of a page in order, the way the HTML tokenizer
// sees them outside foreign content: comments, doctypes and processing
// instructions are skipped, and the body of a raw-text element (script,
// style, textarea, title…) is skipped to its end tag.
type scanner struct {
	page []byte
	pos  int
}

// tag is one start or end tag: its lower-case name and where it is.
type tag struct {
	name        string
	end         bool
	selfClosing bool
	start, stop int // page[start:stop] is the tag itself
	attrStart   int // where its attributes begin
	rawEnd      int // for a raw-text element: where its body ends
	page        []byte
}

// next returns the next tag; false at the end of the page.
func (s *scanner) next() (tag, bool) {
	p := s.page
	for {
		i := bytes.IndexByte(p[s.pos:], '<')
		if i < 0 || s.pos+i+1 >= len(p) {
			s.pos = len(p)
			return tag{}, false
		}
		at := s.pos + i
		c := p[at+1]
		switch {
		case c == '!':
			if bytes.HasPrefix(p[at:], []byte("<!--")) {
				s.pos = skipComment(p, at)
			} else {
				s.pos = skipTo(p, at+2, '>')
			}
			continue
		case c == '?':
			s.pos = skipTo(p, at+2, '>')
			continue
		case c == '/':
			if at+2 < len(p) && isLetter(p[at+2]) {
				name, j := tagName(p, at+2)
				stop := tagEnd(p, j)
				s.pos = stop
				return tag{name: name, end: true, start: at, stop: stop, page: p}, true
			}
			if at+2 < len(p) && p[at+2] == '>' {
				s.pos = at + 3 // </> is nothing
			} else {
				s.pos = skipTo(p, at+2, '>')
			}
			continue
		case isLetter(c):
			name, j := tagName(p, at+1)
			stop := tagEnd(p, j)
			t := tag{name: name, start: at, stop: stop, attrStart: j, page: p}
			t.selfClosing = stop-2 > j-1 && p[stop-2] == '/' && p[stop-1] == '>'
			s.pos = stop
			if rawText[name] && !t.selfClosing {
				if name == "plaintext" {
					s.pos, t.rawEnd = len(p), len(p)
					return t, true
				}
				t.rawEnd, s.pos = rawBodyEnd(p, stop, name)
			}
			return t, true
		default:
			s.pos = at + 1 // a "<" in text
		}
	}
}

// closing scans past the element whose start tag was just returned (the
// scanner stands after it) and returns where its end tag ends: nested
// elements of the same name are counted; the end of the page closes it.
func (s *scanner) closing(name string) int {
	depth := 1
	for {
		t, ok := s.next()
		if !ok {
			return len(s.page)
		}
		if t.name != name {
			continue
		}
		switch {
		case t.end:
			depth--
			if depth == 0 {
				return t.stop
			}
		case !t.selfClosing:
			depth++
		}
	}
}

// attrs appends the tag's attributes (names lower-cased, values with
// their character references resolved), the first of a repeated name
// winning, as the parser does.
func (t tag) attrs(dst []xhtml.Attribute) []xhtml.Attribute {
	p := t.page[:t.stop]
	i := t.attrStart
	for i < len(p) {
		for i < len(p) && (isHTMLSpace(p[i]) || p[i] == '/') {
			i++
		}
		if i >= len(p) || p[i] == '>' {
			break
		}
		k := i
		for i < len(p) && !isHTMLSpace(p[i]) && p[i] != '/' && p[i] != '>' && (p[i] != '=' || i == k) {
			i++
		}
		key := strings.ToLower(string(p[k:i]))
		for i < len(p) && isHTMLSpace(p[i]) {
			i++
		}
		val := ""
		if i < len(p) && p[i] == '=' {
			i++
			for i < len(p) && isHTMLSpace(p[i]) {
				i++
			}
			if i < len(p) && (p[i] == '"' || p[i] == '\'') {
				q := p[i]
				j := bytes.IndexByte(p[i+1:], q)
				if j < 0 {
					j = len(p) - i - 1
				}
				val = string(p[i+1 : i+1+j])
				i += j + 2
			} else {
				v := i
				for i < len(p) && !isHTMLSpace(p[i]) && p[i] != '>' {
					i++
				}
				val = string(p[v:i])
			}
		}
		if key == "" || hasAttr(dst, key) {
			continue
		}
		if strings.IndexByte(val, '&') >= 0 {
			val = html.UnescapeString(val)
		}
		dst = append(dst, xhtml.Attribute{Key: key, Val: val})
	}
	return dst
}

func hasAttr(as []xhtml.Attribute, key string) bool {
	for _, a := range as {
		if a.Key == key {
			return true
		}
	}
	return false
}

// tagName reads a tag name from p[i:] (lower-cased) and returns where it
// ends.
func tagName(p []byte, i int) (string, int) {
	j := i
	for j < len(p) && !isHTMLSpace(p[j]) && p[j] != '/' && p[j] != '>' {
		j++
	}
	return strings.ToLower(string(p[i:j])), j
}

// tagEnd returns the index after the ">" that ends a tag whose attributes
// start at i; quoted attribute values may hold ">".
func tagEnd(p []byte, i int) int {
	for i < len(p) {
		switch c := p[i]; c {
		case '>':
			return i + 1
		case '"', '\'':
			// A quote opens a value only after "=" (skipping spaces).
			k := i - 1
			for k >= 0 && isHTMLSpace(p[k]) {
				k--
			}
			if k >= 0 && p[k] == '=' {
				j := bytes.IndexByte(p[i+1:], c)
				if j < 0 {
					return len(p)
				}
				i += j + 2
				continue
			}
		}
		i++
	}
	return len(p)
}

func skipTo(p []byte, i int, c byte) int {
	if i >= len(p) {
		return len(p)
	}
	j := bytes.IndexByte(p[i:], c)
	if j < 0 {
		return len(p)
	}
	return i + j + 1
}

// skipComment skips "<!--…-->" at i (also the short "<!-->" and "<!--->").
func skipComment(p []byte, i int) int {
	body := i + 4
	if bytes.HasPrefix(p[body:], []byte(">")) {
		return body + 1
	}
	if bytes.HasPrefix(p[body:], []byte("->")) {
		return body + 2
	}
	j := bytes.Index(p[body:], []byte("--"))
	for j >= 0 {
		k := body + j + 2
		if k < len(p) && p[k] == '>' {
			return k + 1
		}
		if k+1 < len(p) && p[k] == '!' && p[k+1] == '>' {
			return k + 2
		}
		next := bytes.Index(p[body+j+1:], []byte("--"))
		if next < 0 {
			break
		}
		j += 1 + next
	}
	return len(p)
}

// rawBodyEnd finds the end tag of a raw-text element's body starting at
// i: "</name" (any case) followed by a space, "/" or ">". It returns where
// the body ends and where the end tag ends.
func rawBodyEnd(p []byte, i int, name string) (bodyEnd, next int) {
	for {
		j := bytes.Index(p[i:], []byte("</"))
		if j < 0 {
			return len(p), len(p)
		}
		at := i + j
		k := at + 2 + len(name)
		if k <= len(p) && strings.EqualFold(string(p[at+2:k]), name) && (k == len(p) || isHTMLSpace(p[k]) || p[k] == '/' || p[k] == '>') {
			return at, tagEnd(p, k)
		}
		i = at + 2
	}
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// streamable reports whether selector sel matches an element by the
// element alone (tag, #id, .class, [attribute] and their compounds, and
// unions of those), so that a tag can be matched without its tree.
func streamable(sel string) bool {
	for _, part := range strings.Split(sel, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return false
		}
		inBracket := false
		for _, r := range part {
			switch {
			case r == '[':
				inBracket = true
			case r == ']':
				inBracket = false
			case inBracket:
			case r == ' ' || r == '>' || r == '+' || r == '~' || r == ':' || r == '\t' || r == '\n' || r == '(' || r == '\\':
				return false
			}
		}
		if inBracket {
			return false
		}
	}
	return true
}

// rawText are the elements whose bodies the tokenizer reads as text (no
// tags inside).
var rawText = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true, "iframe": true,
	"noembed": true, "noframes": true, "noscript": true, "plaintext": true,
}

// implicitEnd are elements whose end tag may be left out (the parser
// closes them when a sibling starts), elements the parser moves or
// re-opens (table parts, formatting elements), and the document's own
// frame: a scan cannot see where such a match ends.
var implicitEnd = map[string]bool{
	"p": true, "li": true, "dt": true, "dd": true, "option": true, "optgroup": true,
	"rb": true, "rt": true, "rtc": true, "rp": true, "tr": true, "td": true, "th": true,
	"thead": true, "tbody": true, "tfoot": true, "colgroup": true, "caption": true, "table": true,
	"html": true, "head": true, "body": true, "template": true, "svg": true, "math": true,
	"a": true, "b": true, "i": true, "em": true, "strong": true, "font": true, "nobr": true, "s": true,
	"small": true, "u": true, "big": true, "code": true, "tt": true, "strike": true,
	"form": true, "select": true, "frameset": true,
}

var voidElement = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "source": true, "track": true, "wbr": true,
}
