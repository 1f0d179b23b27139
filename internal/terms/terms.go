// Package terms holds the domain types shared by every step of the
// clausewatch pipeline: declarations (Vendor, Source, Rule), what a fetch
// produced (Snapshot), what extraction produced (Clause, Document), what the
// attribute readers produced (Observation, Value) and what comparison
// produced (Event). It imports no other internal package.
package terms

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
)

// Render modes of a Source.
const (
	RenderHTTP    = ""        // plain HTTP GET (the default)
	RenderBrowser = "browser" // headless Chromium runs the page's scripts first
)

// Vendor is one declaration file of sources/: a vendor, its tiers, the
// documents that speak for them and the rules that map clauses to attributes.
type Vendor struct {
	ID      string   // lower-case, hyphenated ("anthropic")
	Name    string   // display name ("Anthropic")
	Tiers   []Tier   // declared tiers, in the order of the published analysis
	Sources []Source // documents watched for this vendor
	Rules   []Rule   // which clauses feed which tier attribute
	File    string   // the declaration file it was read from, for messages

	// Names are how pages name the vendor itself ("Anthropic", "Anthropic
	// PBC"); the loader makes it [Name] when the declaration gives none.
	Names []string
	// Products are the names pages use for the vendor's own services and
	// models ("Claude").
	Products []string
	// Clouds are the cloud providers and marketplaces that may resell the
	// vendor's models and whose terms may then govern the data ("Amazon Web
	// Services", "AWS", "Microsoft", "Azure").
	Clouds []string
}

// Tier is one offering of a vendor described by the same attributes.
type Tier struct {
	ID    string // stable id used in events ("team")
	Label string // display label, may change ("Team", later "Business")
	// Names are the plan and product names pages use for the tier ("Team
	// plan", "Claude for Work", "Amazon Bedrock"). One name may stand for
	// several tiers ("commercial products").
	Names []string
}

// Source is one watched document.
type Source struct {
	ID      string            // stable id ("anthropic-consumer-terms")
	Vendor  string            // Vendor.ID
	Title   string            // display title
	URL     string            // absolute http(s) URL
	Select  []string          // CSS selectors tried in order: the first whose matches hold content is the document; empty: <body>
	Remove  []string          // CSS selectors removed from the selection
	Tiers   []string          // tier ids the document speaks for
	Headers map[string]string // extra request headers (Accept-Language, cookies for a region…)
	Render  string            // RenderHTTP or RenderBrowser
	// BrowserAllow lists the hosts, beside the page's own site, whose
	// scripts and data a render: browser page may load ("cdn.example.net"
	// allows it and its subdomains). Lower-case host names or IP addresses.
	BrowserAllow []string
	Variants     []Variant // regional variants the URL may serve, in match order; empty: one variant
	File         string    // declaration file, for messages
	Line         int       // line of the declaration in File, for messages
	// Primary lists the attributes this page is the primary source of: its
	// statements outrank those of the vendor's other pages for them.
	Primary []string
}

// Variant is a regional variant of a page — EEA, UK, rest of world —
// recognized by a case-insensitive regular expression on the extracted
// text. The first variant of a Source whose Match matches names the
// variant of a snapshot; none matching leaves it unnamed.
type Variant struct {
	ID    string // lower-case, hyphenated ("eea", "row"), unique within its Source
	Match string // case-insensitive regular expression on the extracted text
}

// Rule says that clauses of Source whose heading path matches Clause (and
// whose text matches Match, when set) feed Attribute for each of Tiers.
type Rule struct {
	Source    string   // Source.ID
	Tiers     []string // tier ids
	Attribute string   // one of the Attributes
	Clause    string   // heading-path selector, see Clause.Matches; empty: every clause
	Match     string   // optional case-insensitive regular expression on the clause text
	Exclude   bool     // the selected clauses are left out of Attribute instead
	File      string
	Line      int
}

// Attributes are the tier attributes of DESIGN.md, in report order.
var Attributes = []string{
	"training", "retention", "output-ownership", "hipaa-baa", "zdr",
	"data-processor", "sensitive-data", "security", "rights",
}

// Clause kinds.
const (
	KindParagraph = "paragraph"
	KindListItem  = "list-item"
	KindTableRow  = "table-row"
	KindHeading   = "heading" // a heading with no body text under it
)

// Clause is one unit of a document: a paragraph, a list item, a table row.
// Path is its heading path from the outermost heading down to its own
// lead-in ("Terms of Service", "6. Materials", "Our use of Materials"); it is
// what an attribute rule and an event point at.
type Clause struct {
	Path []string `json:"path"`
	Kind string   `json:"kind"`
	Text string   `json:"text"` // normalized text, without the heading path
}

// Heading is the clause's heading path joined with " > ".
func (c Clause) Heading() string { return strings.Join(c.Path, " > ") }

// Key identifies a clause for alignment: its heading path and kind.
func (c Clause) Key() string { return c.Kind + "\x00" + strings.Join(c.Path, "\x00") }

// Matches reports whether sel selects this clause. sel is a heading-path
// selector: path elements separated by " > "; each element matches a path
// element that starts with it, case-insensitively, ignoring a leading
// section number ("6. Materials" matches "Materials"); the elements must
// appear in order but need not be adjacent. An empty selector matches all.
func (c Clause) Matches(sel string) bool {
	sel = strings.TrimSpace(sel)
	if sel == "" {
		return true
	}
	parts := strings.Split(sel, ">")
	i := 0
	for _, p := range c.Path {
		if i == len(parts) {
			break
		}
		want := strings.ToLower(strings.TrimSpace(parts[i]))
		got := strings.ToLower(StripSectionNumber(p))
		if strings.HasPrefix(got, want) || strings.HasPrefix(strings.ToLower(p), want) {
			i++
		}
	}
	return i == len(parts)
}

// sectionNumber matches a bare section number token: "6.", "6.1", "6",
// "6.1.2)", "A.1.", "(a)", "a.", "iv)", "IV.", "§2".
var sectionNumber = regexp.MustCompile(`(?i)^(?:(?:section|article|clause|§)\s*)?(?:\(?[0-9]{1,3}\)?|\(?[a-z]\)?|\(?[ivx]{1,5}\)?)(?:[.)]\(?[0-9a-z]{1,3}\)?)*[.)]?$`)

// IsSectionNumber reports whether tok (one word, no spaces) is a section
// number: "6.", "6.1", "6", "6.1.2)", "A.1.", "D.4.", "(a)", "a.", "iv)",
// "IV.", "§2". Numbers have at most three digits per segment, so a year
// ("2026") is not one. A lone letter or Roman numeral counts only with its
// punctuation ("a.", "(iv)"), so that the article "a" and the pronoun "I"
// are not taken for one. It is the one rule of what a section number is:
// extraction uses it to read numbered headings, Clause.Matches to ignore
// them.
func IsSectionNumber(tok string) bool {
	if !sectionNumber.MatchString(tok) {
		return false
	}
	last := tok[len(tok)-1]
	return strings.ContainsAny(tok, ".()") || last >= '0' && last <= '9'
}

// StripSectionNumber removes a leading section number and the space after
// it from s: "6.1 Use", "(a) Use", "Section 4. Use", "Article 12 Use" and
// "§ 2 Use" all give "Use". A leading "Section", "Article", "Clause" or
// "§" goes even when no number follows it. s without a section number is
// returned unchanged, surrounding white space trimmed.
func StripSectionNumber(s string) string {
	s = strings.TrimSpace(s)
	first, rest, ok := strings.Cut(s, " ")
	if !ok {
		return s
	}
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(first) {
	case "section", "article", "clause", "§":
		if f2, r2, ok := strings.Cut(rest, " "); ok && IsSectionNumber(f2) {
			return strings.TrimSpace(r2)
		}
		return rest
	}
	if IsSectionNumber(first) {
		return rest
	}
	return s
}

// Document is the extracted form of one snapshot: its clauses in page order.
type Document struct {
	Title   string   `json:"title,omitempty"`
	Clauses []Clause `json:"clauses"`
}

// Text is the canonical text of the document: one line per clause, the
// heading path then the text. Two snapshots are the same version exactly
// when their Text is equal.
func (d Document) Text() string {
	var b strings.Builder
	for _, c := range d.Clauses {
		b.WriteString(c.Heading())
		b.WriteString(" | ")
		b.WriteString(c.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// Hash is the hex SHA-256 of Text.
func (d Document) Hash() string { return HashBytes([]byte(d.Text())) }

// HashBytes is the hex SHA-256 of b.
func HashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Error categories recorded with each fetch attempt.
const (
	ErrNone        = ""
	ErrNetwork     = "network"      // DNS, connection refused, reset
	ErrTimeout     = "timeout"      // connect or total timeout
	ErrClient      = "http-4xx"     // 4xx status: not retried
	ErrServer      = "http-5xx"     // 5xx status after retries
	ErrTooLarge    = "too-large"    // body over the size cap
	ErrTruncated   = "truncated"    // body shorter than announced / cut connection
	ErrContentType = "content-type" // not HTML/text
	ErrRedirects   = "redirects"    // too many redirects
	ErrBrowser     = "browser"      // render: browser and no usable browser
	ErrExtraction  = "extraction"   // page came back, declared content absent
)

// Snapshot is one fetch of a source: a row per attempt, successful or not.
type Snapshot struct {
	ID            int64     `json:"id"`
	Source        string    `json:"source"`
	FetchedAt     time.Time `json:"fetched_at"`
	Status        int       `json:"status,omitempty"`
	ETag          string    `json:"etag,omitempty"`
	LastModified  string    `json:"last_modified,omitempty"`
	ContentType   string    `json:"content_type,omitempty"`
	ContentHash   string    `json:"content_hash,omitempty"` // SHA-256 of the raw bytes
	Size          int64     `json:"size,omitempty"`         // raw size in bytes
	TextHash      string    `json:"text_hash,omitempty"`    // Document.Hash of its extraction
	ErrorCategory string    `json:"error_category,omitempty"`
	Error         string    `json:"error,omitempty"`
	NotModified   bool      `json:"not_modified,omitempty"` // 304: same as the previous fetch
	Variant       string    `json:"variant,omitempty"`      // regional variant served (Source.Variants), "" when undeclared
	Origin        string    `json:"origin"`                 // "check", "recheck", "import"
	ExtractedBy   string    `json:"extracted_by,omitempty"` // how the document was found: "select:main", "auto", … (extract.Result.Method); "" without one
	Suspect       string    `json:"suspect,omitempty"`      // SuspectHeld, SuspectDismissed, SuspectAccepted; "" for a page never held as suspect
}

// States of a page held as suspect (Snapshot.Suspect): a page that lost
// most of the sentences of the version in force at once is stored but held
// (not a version: the observations in force stay those of the version
// before it) until the next fetch or 'recheck --accept' says whether the
// page really shrank (accepted: it is a version from then on) or not
// (dismissed: it never was one).
const (
	SuspectHeld      = "held"
	SuspectDismissed = "dismissed"
	SuspectAccepted  = "accepted"
)

// Withheld reports whether the snapshot is a page held as suspect or
// dismissed: its bytes and document are stored, but it is no version.
func (s Snapshot) Withheld() bool {
	return s.Suspect == SuspectHeld || s.Suspect == SuspectDismissed
}

// OK reports whether the snapshot holds a page that was extracted.
func (s Snapshot) OK() bool { return s.ErrorCategory == ErrNone }
