package report_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// The shapes below read an Atom document back with encoding/xml; element
// names carry the Atom namespace so that a feed in another namespace (or
// none) does not parse into them.
type parsedText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type parsedLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type parsedCategory struct {
	Scheme string `xml:"scheme,attr"`
	Term   string `xml:"term,attr"`
}

type parsedEntry struct {
	ID         string           `xml:"http://www.w3.org/2005/Atom id"`
	Title      *parsedText      `xml:"http://www.w3.org/2005/Atom title"`
	Updated    string           `xml:"http://www.w3.org/2005/Atom updated"`
	Published  string           `xml:"http://www.w3.org/2005/Atom published"`
	Authors    []string         `xml:"http://www.w3.org/2005/Atom author>name"`
	Links      []parsedLink     `xml:"http://www.w3.org/2005/Atom link"`
	Categories []parsedCategory `xml:"http://www.w3.org/2005/Atom category"`
	Summary    *parsedText      `xml:"http://www.w3.org/2005/Atom summary"`
	Content    *parsedText      `xml:"http://www.w3.org/2005/Atom content"`
}

type parsedFeed struct {
	XMLName xml.Name
	ID      string        `xml:"http://www.w3.org/2005/Atom id"`
	Title   *parsedText   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string        `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []string      `xml:"http://www.w3.org/2005/Atom author>name"`
	Links   []parsedLink  `xml:"http://www.w3.org/2005/Atom link"`
	Entries []parsedEntry `xml:"http://www.w3.org/2005/Atom entry"`
}

// parseAtom reads a feed and checks the elements RFC 4287 requires
// (section 4.1.1 and 4.1.2): a feed element in the Atom namespace with
// exactly one id, title and updated (an RFC 3339 date), an author on the
// feed or on every entry, at most one rel="self" link; every entry with an
// id, a title and an RFC 3339 updated; entry ids unique.
func parseAtom(t *testing.T, doc []byte) parsedFeed {
	t.Helper()
	var f parsedFeed
	if err := xml.Unmarshal(doc, &f); err != nil {
		t.Fatalf("feed does not parse as XML: %v\n%s", err, doc)
	}
	if f.XMLName.Space != report.AtomNS || f.XMLName.Local != "feed" {
		t.Fatalf("root element {%s}%s, want {%s}feed", f.XMLName.Space, f.XMLName.Local, report.AtomNS)
	}
	if f.ID == "" || f.Title == nil || f.Title.Body == "" {
		t.Errorf("feed id %q / title %+v missing", f.ID, f.Title)
	}
	checkDate(t, "feed updated", f.Updated)
	for _, want := range []string{"id", "title", "updated"} {
		if n := countChildren(t, doc, want); n != 1 {
			t.Errorf("feed has %d <%s> children, want exactly 1", n, want)
		}
	}
	self := 0
	for _, l := range f.Links {
		if l.Rel == "self" {
			self++
		}
	}
	if self > 1 {
		t.Errorf("%d self links", self)
	}
	seen := map[string]bool{}
	for i, e := range f.Entries {
		if e.ID == "" || !strings.Contains(e.ID, ":") {
			t.Errorf("entry %d: id %q is not an IRI", i, e.ID)
		}
		if seen[e.ID] {
			t.Errorf("entry %d: duplicate id %q", i, e.ID)
		}
		seen[e.ID] = true
		if e.Title == nil || e.Title.Body == "" {
			t.Errorf("entry %d (%s): no title", i, e.ID)
		}
		checkDate(t, "entry "+e.ID+" updated", e.Updated)
		if e.Published != "" {
			checkDate(t, "entry "+e.ID+" published", e.Published)
		}
		if len(f.Authors) == 0 && len(e.Authors) == 0 {
			t.Errorf("entry %s: no author and the feed has none", e.ID)
		}
		if e.Content == nil && !slices.ContainsFunc(e.Links, func(l parsedLink) bool { return l.Rel == "alternate" || l.Rel == "" }) {
			t.Errorf("entry %s: neither content nor an alternate link", e.ID)
		}
	}
	return f
}

func checkDate(t *testing.T, what, s string) {
	t.Helper()
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		t.Errorf("%s %q is not an RFC 3339 date: %v", what, s, err)
	}
}

// countChildren counts the direct children of the root named local.
func countChildren(t *testing.T, doc []byte, local string) int {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	depth, n := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("tokenize feed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && tok.Name.Local == local {
				n++
			}
		case xml.EndElement:
			depth--
		}
	}
}

// htmlContent tokenizes an entry's HTML content the lenient way a feed
// reader would, and returns its element names and its text.
func htmlContent(t *testing.T, s string) (elements []string, text string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<div>" + s + "</div>"))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return elements, b.String()
		}
		if err != nil {
			t.Fatalf("entry content is not readable HTML: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			elements = append(elements, strings.ToLower(tok.Name.Local))
		case xml.CharData:
			b.Write(tok)
		}
	}
}

const hostile = `<script>alert(1)</script> ]]> & "quoted" 'single'`

func atomEvents() []terms.Event {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	never, bad := terms.Scalar("never"), terms.Scalar(hostile)
	return []terms.Event{
		{ID: "c-000001", Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "example", Tier: "consumer",
			Attribute: "training", Old: &never, New: &bad, Source: "example-terms",
			SnapshotAt: at.Add(-time.Hour), DetectedAt: at,
			Before: &terms.Side{Snapshot: 1, Clause: "Your content > Use", Text: "We never train on chats."},
			After:  &terms.Side{Snapshot: 2, Clause: "Your content > Use " + hostile, Text: "We train on chats " + hostile}},
		{ID: "c-000002", Kind: terms.FetchFailed, Severity: terms.High, Vendor: "example", Source: "example-dpa",
			SnapshotAt: at.Add(time.Hour), DetectedAt: at.Add(time.Hour), Detail: "status 503 " + hostile},
		{ID: "c-000003", Kind: terms.DocumentChanged, Severity: terms.Info, Vendor: "example", Source: "example-terms",
			SnapshotAt: at.Add(-2 * time.Hour), DetectedAt: at.Add(-2 * time.Hour), Detail: "1 clause changed"},
	}
}

func atomOptions() report.Options {
	return report.Options{
		SourceURL: func(id string) string {
			switch id {
			case "example-terms":
				return "https://example.com/legal/terms?a=1&b=2"
			case "example-dpa":
				return "javascript:alert(1)"
			}
			return ""
		},
		TierLabel: func(v, t string) string { return "Consumer" },
	}
}

var feedInfo = report.FeedInfo{ID: "urn:clausewatch:changes", Title: "clausewatch changes",
	SelfURL: "https://watch.example.com/changes.atom", Updated: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}

func render(t *testing.T, evs []terms.Event, o report.Options, fi report.FeedInfo) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.Atom(&b, evs, o, fi); err != nil {
		t.Fatalf("Atom: %v", err)
	}
	return b.Bytes()
}

func TestAtomFeed(t *testing.T) {
	evs := atomEvents()
	o := atomOptions()
	doc := render(t, evs, o, feedInfo)
	f := parseAtom(t, doc)

	t.Run("feed metadata", func(t *testing.T) {
		if f.ID != feedInfo.ID || f.Title.Body != feedInfo.Title || f.Updated != "2026-03-03T00:00:00Z" {
			t.Errorf("feed id %q title %q updated %q", f.ID, f.Title.Body, f.Updated)
		}
		if len(f.Authors) != 1 || f.Authors[0] == "" {
			t.Errorf("feed authors %q, want one", f.Authors)
		}
		if len(f.Links) != 1 || f.Links[0].Rel != "self" || f.Links[0].Href != feedInfo.SelfURL {
			t.Errorf("feed links %+v, want the self link", f.Links)
		}
	})

	t.Run("entries", func(t *testing.T) {
		var ids []string
		for _, e := range f.Entries {
			ids = append(ids, e.ID)
		}
		// Newest detection first.
		want := []string{"tag:clausewatch,2026:c-000002", "tag:clausewatch,2026:c-000001", "tag:clausewatch,2026:c-000003"}
		if !slices.Equal(ids, want) {
			t.Fatalf("entry ids %q, want %q", ids, want)
		}
		e := f.Entries[1]
		if e.Title.Body != report.Headline(evs[0], o) {
			t.Errorf("title %q, want the headline %q", e.Title.Body, report.Headline(evs[0], o))
		}
		if e.Updated != "2026-03-02T10:00:00Z" || e.Published != e.Updated {
			t.Errorf("updated %q published %q, want the detection time", e.Updated, e.Published)
		}
		cats := map[string]string{}
		for _, c := range e.Categories {
			cats[c.Scheme] = c.Term
		}
		if cats[report.AtomSeverityScheme] != "critical" || cats[report.AtomKindScheme] != "value-changed" {
			t.Errorf("categories %+v", e.Categories)
		}
		if len(e.Links) != 1 || e.Links[0].Href != "https://example.com/legal/terms?a=1&b=2" || e.Links[0].Rel != "alternate" {
			t.Errorf("links %+v, want the source page", e.Links)
		}
		if e.Content == nil || e.Content.Type != "html" {
			t.Fatalf("content %+v, want type html", e.Content)
		}
		if e.Summary == nil || !strings.Contains(e.Summary.Body, "critical value-changed") {
			t.Errorf("summary %+v", e.Summary)
		}
	})

	t.Run("hostile text stays text", func(t *testing.T) {
		if bytes.Contains(doc, []byte("<script")) {
			t.Errorf("the feed holds a raw <script tag:\n%s", doc)
		}
		// The headline is type="text": the hostile value is its literal text.
		if !strings.Contains(f.Entries[1].Title.Body, hostile) {
			t.Errorf("title %q lost the text %q", f.Entries[1].Title.Body, hostile)
		}
		for _, e := range f.Entries {
			els, text := htmlContent(t, e.Content.Body)
			for _, el := range els {
				if el == "script" || el == "iframe" {
					t.Errorf("entry %s content has a <%s> element:\n%s", e.ID, el, e.Content.Body)
				}
			}
			if e.ID != "tag:clausewatch,2026:c-000003" && !strings.Contains(text, "<script>alert(1)</script>") {
				t.Errorf("entry %s: the page text did not survive as text:\n%s", e.ID, text)
			}
			if strings.Contains(e.Content.Body, "javascript:") || strings.Contains(e.Content.Body, "ZgotmplZ") {
				t.Errorf("entry %s content links to a script URL:\n%s", e.ID, e.Content.Body)
			}
		}
		// A source URL that is not http(s) gets no entry link.
		if len(f.Entries[0].Links) != 0 {
			t.Errorf("fetch-failed entry links %+v, want none for a script URL", f.Entries[0].Links)
		}
	})

	t.Run("stable ids", func(t *testing.T) {
		rev := slices.Clone(evs)
		slices.Reverse(rev)
		again := parseAtom(t, render(t, rev, o, feedInfo))
		for i := range f.Entries {
			if again.Entries[i].ID != f.Entries[i].ID {
				t.Errorf("entry %d: id %q on the second render, %q on the first", i, again.Entries[i].ID, f.Entries[i].ID)
			}
		}
		if !bytes.Equal(render(t, evs, o, feedInfo), doc) {
			t.Errorf("two renders of the same events differ")
		}
		if evs[0].ID != "c-000001" {
			t.Errorf("Atom reordered the caller's slice")
		}
	})
}

func TestAtomEntryID(t *testing.T) {
	e := atomEvents()[1]
	cases := []struct {
		name string
		edit func(*terms.Event)
		same bool
	}{
		{"stored id", func(e *terms.Event) {}, true},
		{"unstored, same content", func(e *terms.Event) { e.ID = "" }, true},
		{"unstored, other source", func(e *terms.Event) { e.ID = ""; e.Source = "example-other" }, false},
	}
	base := e
	base.ID = ""
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := e
			c.edit(&x)
			id := report.AtomEntryID(x)
			if !strings.HasPrefix(id, "tag:clausewatch,2026:") {
				t.Errorf("id %q is not a clausewatch tag URI", id)
			}
			if x.ID != "" {
				if id != "tag:clausewatch,2026:"+x.ID {
					t.Errorf("id %q, want the event id in a tag URI", id)
				}
				return
			}
			if got := id == report.AtomEntryID(base); got != c.same {
				t.Errorf("id %q vs %q: same = %v, want %v", id, report.AtomEntryID(base), got, c.same)
			}
		})
	}
}

func TestAtomEmptyAndErrors(t *testing.T) {
	t.Run("empty feed is valid", func(t *testing.T) {
		for _, evs := range [][]terms.Event{nil, {}} {
			f := parseAtom(t, render(t, evs, report.Options{}, report.FeedInfo{ID: "urn:x", Title: "t", Updated: feedInfo.Updated}))
			if len(f.Entries) != 0 || f.Updated != "2026-03-03T00:00:00Z" {
				t.Errorf("empty feed: %d entries, updated %q", len(f.Entries), f.Updated)
			}
			if len(f.Links) != 0 {
				t.Errorf("no SelfURL, links %+v", f.Links)
			}
		}
	})
	t.Run("updated defaults to the newest entry", func(t *testing.T) {
		f := parseAtom(t, render(t, atomEvents(), report.Options{}, report.FeedInfo{ID: "urn:x", Title: "t"}))
		if f.Updated != "2026-03-02T11:00:00Z" {
			t.Errorf("updated %q, want the newest detection 2026-03-02T11:00:00Z", f.Updated)
		}
	})
	t.Run("control characters", func(t *testing.T) {
		evs := atomEvents()[:1]
		evs[0].After.Text = "nul \x00 and bell \x07 and escape \x1b"
		parseAtom(t, render(t, evs, report.Options{}, feedInfo))
	})
	errCases := []struct {
		name string
		evs  []terms.Event
		fi   report.FeedInfo
		msg  string
	}{
		{"no id", atomEvents(), report.FeedInfo{Title: "t", Updated: feedInfo.Updated}, "id and title are required"},
		{"no title", atomEvents(), report.FeedInfo{ID: "urn:x", Updated: feedInfo.Updated}, "id and title are required"},
		{"no updated time", nil, report.FeedInfo{ID: "urn:x", Title: "t"}, "no updated time"},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			err := report.Atom(&b, c.evs, report.Options{}, c.fi)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want %q", err, c.msg)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes on error", b.Len())
			}
		})
	}
}

func TestFeedID(t *testing.T) {
	ids := map[string][]string{}
	for _, scope := range [][]string{
		nil,
		{"vendor", "anthropic"},
		{"vendor", "openai"},
		{"vendor", "anthropic", "tier", "consumer"},
		{"vendor", "anthropic", "tier", "team"},
		{"vendor", "anthropic:tier"}, // a colon in a value cannot collide with a longer scope
		{"vendor", "anthropic", "tier"},
	} {
		id := report.FeedID(scope...)
		if !strings.HasPrefix(id, "urn:clausewatch:changes") {
			t.Errorf("FeedID(%q) = %q, not under urn:clausewatch:changes", scope, id)
		}
		ids[id] = append(ids[id], strings.Join(scope, " "))
	}
	if got := report.FeedID(); got != "urn:clausewatch:changes" {
		t.Errorf("FeedID() = %q, want the id of the feed of every change", got)
	}
	if got := report.FeedID("vendor", "anthropic", "tier", "consumer"); got != "urn:clausewatch:changes:vendor:anthropic:tier:consumer" {
		t.Errorf("FeedID(vendor anthropic tier consumer) = %q", got)
	}
	// An odd trailing name is ignored, so those two scopes share an id on
	// purpose; every other scope has its own.
	if len(ids) != 6 {
		t.Errorf("feed ids %v: want 6 distinct ids of 7 scopes (the odd trailing name adds nothing)", ids)
	}
}
