// Package demo is the offline demonstration of clausewatch: a local site
// serving fixture pages of our own wording for every anthropic source, a
// timeline of page changes, and the flow that copies the bundled
// declarations onto that site, runs `clausewatch check` at each step and
// shows the report, the status matrix and the email caught by a local mail
// catcher.
//
// The fixture pages are shaped like the real ones (the markup the declared
// selectors expect, headings and bold lead-ins that the shipped rules
// select, phrasing that the attribute readers read) but every sentence is
// ours: no vendor text is copied here.
package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/clausewatch/clausewatch/internal/textesc"
)

// Layout is the markup family of a page: where the declared selector finds
// the content and what noise surrounds it.
type Layout int

const (
	// LegalPage is a vendor legal page: the policy in <main>, a language
	// switcher inside it, a Next.js-style build id and nonces.
	LegalPage Layout = iota
	// HelpArticle is a help-centre article: the text in .article, an
	// "updated" line in .avatar__info and a .related_articles list.
	HelpArticle
	// PlatformDocs is a developer documentation page: a sidebar <nav>
	// inside <main>, then the article.
	PlatformDocs
	// CloudDocs is a cloud provider's user guide: the text in
	// #main-col-body, feedback widgets around it.
	CloudDocs
	// LearnDocs is a documentation site's article: <main> with a
	// breadcrumb <nav> and page metadata.
	LearnDocs
)

// Para is one paragraph; a non-empty Lead is rendered as a bold lead-in
// ("<strong>Lead.</strong> Text").
type Para struct {
	Lead string
	Text string
}

// Section is one section of a page: a heading (h2, or h3 with Sub) and its
// paragraphs and list items. Number, when set, prefixes the heading ("4.",
// "B.").
type Section struct {
	Number  string
	Heading string
	Sub     bool
	Paras   []Para
	Items   []string
}

// Page is one fixture page in our own words.
type Page struct {
	Layout   Layout
	Title    string
	Updated  string // the page's own "effective" or "last updated" line (content)
	Sections []Section
}

// Noise is what changes from one request to the next without changing
// the page's text: Seed drives build ids, nonces, class hashes and tracking
// parameters; Epoch changes what the declarations remove or never read
// (related articles, the "updated" badge, footer links).
type Noise struct {
	Seed  uint64
	Epoch int
}

// HTML renders p with the given noise. Two renderings of the same page
// with different noise extract to the same text under the page's declared
// selectors and removals.
func (p Page) HTML(n Noise) []byte {
	r := &noiser{r: rand.New(rand.NewPCG(n.Seed, n.Seed^0x9e3779b97f4a7c15))}
	var b strings.Builder
	nonce := r.hex(22)
	build := r.hex(21)
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s</title>`, textesc.HTML(p.Title))
	fmt.Fprintf(&b, `<meta name="build-id" content="%s"><meta name="request-id" content="%s-%s">`, build, r.hex(8), r.hex(12))
	fmt.Fprintf(&b, `<link rel="stylesheet" href="/static/css/%s.css"><script nonce="%s">window.__cfg={"t":"%s","e":%d}</script></head>`, r.hex(16), nonce, r.hex(32), n.Epoch)
	switch p.Layout {
	case HelpArticle:
		p.helpArticle(&b, r, n)
	case PlatformDocs:
		p.platformDocs(&b, r)
	case CloudDocs:
		p.cloudDocs(&b, r, n)
	case LearnDocs:
		p.learnDocs(&b, r, n)
	default:
		p.legalPage(&b, r)
	}
	// Scripts in a random order, like a bundler's chunk list, and the
	// page's data blob with the build id.
	chunks := []string{"framework", "main", "webpack", "pages/doc", "polyfills"}
	r.r.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
	for _, c := range chunks {
		fmt.Fprintf(&b, `<script src="/static/chunks/%s-%s.js" nonce="%s" async></script>`, c, r.hex(16), nonce)
	}
	fmt.Fprintf(&b, `<script id="__NEXT_DATA__" type="application/json" nonce="%s">{"buildId":"%s","props":{"sid":"%s","epoch":%d}}</script>`, nonce, build, r.hex(24), n.Epoch)
	b.WriteString(`</body></html>`)
	return []byte(b.String())
}

// noiser draws the per-request noise.
type noiser struct{ r *rand.Rand }

func (n *noiser) hex(k int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, k)
	for i := range b {
		b[i] = digits[n.r.IntN(16)]
	}
	return string(b)
}

// cls is a hashed class name, as CSS modules produce.
func (n *noiser) cls(name string) string { return name + "_" + n.hex(6) }

// track adds tracking parameters to a link.
func (n *noiser) track(u string) string { return u + "?utm_source=site&sid=" + n.hex(16) }

// heading renders a section heading with its number.
func (s Section) title() string {
	if s.Number == "" {
		return s.Heading
	}
	return s.Number + " " + s.Heading
}

func (s Section) level() int {
	if s.Sub {
		return 3
	}
	return 2
}

// body renders a section's paragraphs and list; wrap wraps each paragraph
// (help centres put each in a div of their own).
func (s Section) body(b *strings.Builder, r *noiser, wrap string) {
	for _, p := range s.Paras {
		if wrap != "" {
			fmt.Fprintf(b, `<div class="%s">`, wrap)
		}
		if p.Lead != "" {
			fmt.Fprintf(b, `<p class="%s"><strong>%s.</strong> %s</p>`, r.cls("p"), textesc.HTML(p.Lead), textesc.HTML(p.Text))
		} else {
			fmt.Fprintf(b, `<p class="%s">%s</p>`, r.cls("p"), textesc.HTML(p.Text))
		}
		if wrap != "" {
			b.WriteString(`</div>`)
		}
	}
	if len(s.Items) > 0 {
		fmt.Fprintf(b, `<ul class="%s">`, r.cls("ul"))
		for _, it := range s.Items {
			fmt.Fprintf(b, `<li class="%s">%s</li>`, r.cls("li"), textesc.HTML(it))
		}
		b.WriteString(`</ul>`)
	}
}

// legalPage: <main> holds the language switcher (removed by the
// declarations), the title, the effective date and numbered sections.
func (p Page) legalPage(b *strings.Builder, r *noiser) {
	fmt.Fprintf(b, `<body class="%s"><header class="%s"><nav><a href="%s">Home</a><a href="%s">Pricing</a><a href="%s">Log in</a></nav></header>`,
		r.cls("body"), r.cls("header"), r.track("/"), r.track("/pricing"), r.track("/login"))
	fmt.Fprintf(b, `<main class="%s" data-sid="%s"><div class="%s"><span>English</span><a href="%s">Deutsch</a><a href="%s">Français</a></div>`,
		r.cls("main"), r.hex(12), r.cls("language-options"), r.track("/de"), r.track("/fr"))
	fmt.Fprintf(b, `<article class="%s"><h1 class="%s">%s</h1><p class="%s">%s</p>`, r.cls("article"), r.cls("title"), textesc.HTML(p.Title), r.cls("date"), textesc.HTML(p.Updated))
	for i, s := range p.Sections {
		fmt.Fprintf(b, `<h%d class="%s" id="s%d">%s</h%d>`, s.level(), r.cls("h"), i+1, textesc.HTML(s.title()), s.level())
		s.body(b, r, "")
	}
	fmt.Fprintf(b, `</article></main><footer class="%s"><a href="%s">Privacy</a> <a href="%s">Cookies</a></footer>`, r.cls("footer"), r.track("/privacy"), r.track("/cookies"))
}

// relatedTitles are the related-articles links a help centre rotates.
var relatedTitles = []string{
	"How do I export my conversations?",
	"Can I delete my account?",
	"What are projects?",
	"How do I change my privacy settings?",
	"Where is my data stored?",
	"How do I contact support?",
}

// helpArticle: .article holds the title, the avatar line (removed), the
// body and the related-articles list (removed).
func (p Page) helpArticle(b *strings.Builder, r *noiser, n Noise) {
	fmt.Fprintf(b, `<body><div id="__next"><header><nav><a href="%s">All collections</a></nav></header><div class="article intercom-force-break"><div class="mb-10"><h1 class="font-primary">%s</h1>`, r.track("/en/"), textesc.HTML(p.Title))
	fmt.Fprintf(b, `<div class="avatar"><div class="avatar__info"><span>Updated <time datetime="2026-0%d-1%dT10:00:00Z">%d days ago</time></span></div></div></div>`, 1+n.Epoch%9, n.Epoch%10, 3+n.Epoch*7)
	fmt.Fprintf(b, `<div class="jsx-%s article_body"><article class="jsx-%s">`, r.hex(16), r.hex(16))
	if p.Updated != "" {
		fmt.Fprintf(b, `<div class="intercom-interblocks-paragraph"><p>%s</p></div>`, textesc.HTML(p.Updated))
	}
	for i, s := range p.Sections {
		fmt.Fprintf(b, `<div class="intercom-interblocks-heading"><h%d id="h_%s%d">%s</h%d></div>`, s.level(), r.hex(10), i, textesc.HTML(s.title()), s.level())
		s.body(b, r, "intercom-interblocks-paragraph no-margin")
	}
	b.WriteString(`</article></div><section class="related_articles my-6"><div>Related Articles</div><ul role="list">`)
	for i := 0; i < 3; i++ {
		t := relatedTitles[(n.Epoch+i)%len(relatedTitles)]
		fmt.Fprintf(b, `<li><a href="%s">%s</a></li>`, r.track("/en/articles/"+fmt.Sprint(1000+n.Epoch+i)), textesc.HTML(t))
	}
	b.WriteString(`</ul></section></div></div>`)
}

// platformDocs: <main> holds the sidebar <nav> (removed) and the article.
func (p Page) platformDocs(b *strings.Builder, r *noiser) {
	fmt.Fprintf(b, `<body><div class="%s"><header><a href="%s">Docs</a><a href="%s">API reference</a></header>`, r.cls("layout"), r.track("/docs"), r.track("/api"))
	fmt.Fprintf(b, `<main class="%s"><nav aria-label="sidebar"><ul><li><a href="%s">Get started</a></li><li><a href="%s">Manage data</a></li><li><a href="%s">Pricing</a></li></ul></nav>`,
		r.cls("main"), r.track("/docs/start"), r.track("/docs/manage"), r.track("/docs/pricing"))
	fmt.Fprintf(b, `<article class="%s"><h1>%s</h1>`, r.cls("prose"), textesc.HTML(p.Title))
	if p.Updated != "" {
		fmt.Fprintf(b, `<p>%s</p>`, textesc.HTML(p.Updated))
	}
	for _, s := range p.Sections {
		id := strings.ToLower(strings.ReplaceAll(s.Heading, " ", "-"))
		fmt.Fprintf(b, `<h%d id="%s"><a href="#%s" class="%s">%s</a></h%d>`, s.level(), textesc.HTML(id), textesc.HTML(id), r.cls("anchor"), textesc.HTML(s.title()), s.level())
		s.body(b, r, "")
	}
	fmt.Fprintf(b, `</article></main><footer><a href="%s">Status</a></footer></div>`, r.track("/status"))
}

// cloudDocs: #main-col-body holds the title, the text and nothing else;
// feedback widgets and navigation sit around it.
func (p Page) cloudDocs(b *strings.Builder, r *noiser, n Noise) {
	fmt.Fprintf(b, `<body><div id="left-column"><nav><a href="%s">User Guide</a></nav></div><div id="main-column"><div id="main-content"><div class="breadcrumbs"><a href="%s">Documentation</a> / <a href="%s">User Guide</a></div>`,
		r.track("/guide"), r.track("/"), r.track("/guide"))
	fmt.Fprintf(b, `<div id="main-col-body"><h1 class="topictitle" id="%s">%s</h1>`, r.hex(8), textesc.HTML(p.Title))
	fmt.Fprintf(b, `<div class="awsdocs-page-header-container"><div id="awsdocs-page-header"><a href="%s">PDF</a></div></div>`, r.track("/guide.pdf"))
	if p.Updated != "" {
		fmt.Fprintf(b, `<p>%s</p>`, textesc.HTML(p.Updated))
	}
	for _, s := range p.Sections {
		fmt.Fprintf(b, `<h%d id="%s">%s</h%d>`, s.level(), r.hex(8), textesc.HTML(s.title()), s.level())
		s.body(b, r, "")
	}
	fmt.Fprintf(b, `</div><div id="main-col-footer"><p>Did this page help you? (%d votes)</p><a href="%s">Provide feedback</a></div></div></div>`, 40+n.Epoch, r.track("/feedback"))
}

// learnDocs: <main> holds a breadcrumb <nav> (removed), the title and the
// article; the metadata line lives outside it.
func (p Page) learnDocs(b *strings.Builder, r *noiser, n Noise) {
	fmt.Fprintf(b, `<body><div class="header-holder"><a href="%s">Learn</a></div><div class="metadata" data-ms-date="2026-0%d-0%d">%d contributors</div>`, r.track("/"), 1+n.Epoch%9, 1+n.Epoch%9, 5+n.Epoch)
	fmt.Fprintf(b, `<main id="main" class="content" data-bi-name="content" data-request="%s"><nav aria-label="Breadcrumb"><ol><li><a href="%s">Foundry</a></li><li><a href="%s">Responsible AI</a></li></ol></nav>`,
		r.hex(12), r.track("/foundry"), r.track("/foundry/rai"))
	fmt.Fprintf(b, `<h1>%s</h1><div class="content">`, textesc.HTML(p.Title))
	if p.Updated != "" {
		fmt.Fprintf(b, `<p>%s</p>`, textesc.HTML(p.Updated))
	}
	for _, s := range p.Sections {
		fmt.Fprintf(b, `<h%d id="%s">%s</h%d>`, s.level(), r.hex(6), textesc.HTML(s.title()), s.level())
		s.body(b, r, "")
	}
	fmt.Fprintf(b, `</div></main><div class="feedback"><a href="%s">Was this page helpful?</a></div>`, r.track("/feedback"))
}
