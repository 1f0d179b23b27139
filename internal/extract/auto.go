package extract

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Reading a page without selectors (Options.Auto, MethodAuto) is for a
// layout the declarations do not know: a page from before a redesign, or
// after one. The content is taken to be the <body> without the page's
// furniture:
//
//   - navigation and asides (<nav>, <aside>);
//   - the page's own header and footer: a <header> or <footer> outside any
//     <article>, <section>, <main>, <aside> or <nav> (one inside them is
//     the header of that part: its title, its date);
//   - elements with the ARIA role of such furniture (navigation, banner,
//     contentinfo, complementary, search), hidden ones (hidden,
//     aria-hidden="true");
//   - blocks whose text is mostly links (more than half of it): menus,
//     breadcrumbs, tables of contents, lists of related pages. The text of
//     a heading never counts as a link (a heading is often a link to
//     itself);
//
// and, as always, scripts, styles, forms, buttons and media. Such a reading
// is a guess: Accept decides whether it may be recorded.

// furnitureRoles are the ARIA roles of what surrounds a page's content.
var furnitureRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true, "search": true,
}

// sectioning are the elements a <header> or <footer> belongs to when it is
// inside one of them, rather than to the page.
var sectioning = map[string]bool{"article": true, "aside": true, "main": true, "nav": true, "section": true}

// linkShare is the share of a block's text in links above which the block
// is a menu rather than content.
const linkShare = 0.5

// stripFurniture removes the page furniture from body, in place.
func stripFurniture(body *html.Node) {
	lens := map[*html.Node]textLen{}
	measure(body, false, false, lens)
	prune(body, false, lens)
}

// textLen counts the visible characters (white space aside) of a subtree,
// and how many of them are in links outside headings.
type textLen struct{ all, linked int }

// measure fills lens with the textLen of n and of every element under it;
// inLink and inHeading say n is inside a link, a heading.
func measure(n *html.Node, inLink, inHeading bool, lens map[*html.Node]textLen) textLen {
	switch {
	case n.Type == html.TextNode:
		k := 0
		for _, r := range n.Data {
			if !unicode.IsSpace(r) {
				k++
			}
		}
		if inLink && !inHeading {
			return textLen{k, k}
		}
		return textLen{k, 0}
	case n.Type != html.ElementNode || skipTags[n.Data]:
		return textLen{}
	}
	if _, href := attr(n, "href"); n.Data == "a" && href {
		inLink = true
	}
	inHeading = inHeading || headingLevel(n.Data) > 0
	var t textLen
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		ct := measure(c, inLink, inHeading, lens)
		t.all += ct.all
		t.linked += ct.linked
	}
	lens[n] = t
	return t
}

// prune removes the furniture under n; inPart says n is inside a
// sectioning element.
func prune(n *html.Node, inPart bool, lens map[*html.Node]textLen) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if furniture(c, inPart) || menu(c, lens[c]) {
				n.RemoveChild(c)
			} else {
				prune(c, inPart || sectioning[c.Data], lens)
			}
		}
		c = next
	}
}

// furniture reports whether the element n is navigation, an aside, the
// page's header or footer, or hidden.
func furniture(n *html.Node, inPart bool) bool {
	switch n.Data {
	case "nav", "aside":
		return true
	case "header", "footer":
		if !inPart {
			return true
		}
	}
	if role, _ := attr(n, "role"); furnitureRoles[strings.ToLower(strings.TrimSpace(role))] {
		return true
	}
	if v, _ := attr(n, "aria-hidden"); strings.EqualFold(strings.TrimSpace(v), "true") {
		return true
	}
	_, hidden := attr(n, "hidden")
	return hidden
}

// menu reports whether the element n is a block mostly of links.
func menu(n *html.Node, t textLen) bool {
	if !blockTags[n.Data] || headingLevel(n.Data) > 0 || t.all == 0 {
		return false
	}
	return float64(t.linked) > linkShare*float64(t.all)
}

// attr returns the value of n's attribute key and whether n has it.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
