package report

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// AtomNS is the Atom 1.0 namespace (RFC 4287).
const AtomNS = "http://www.w3.org/2005/Atom"

// atomTagPrefix starts every entry id: a tag URI (RFC 4151) whose date is
// fixed, so an event keeps its id for ever.
const atomTagPrefix = "tag:clausewatch,2026:"

// FeedID is the permanent id of the feed of changes narrowed by scope, a
// list of name/value pairs in the order given: FeedID() is
// "urn:clausewatch:changes", the feed of every change;
// FeedID("vendor", "anthropic", "tier", "consumer") is
// "urn:clausewatch:changes:vendor:anthropic:tier:consumer". Feeds of
// different scopes never share an id, so a reader subscribed to several
// keeps them apart. Values are escaped (a colon in a value cannot make two
// scopes collide); an odd trailing name is ignored.
func FeedID(scope ...string) string {
	id := "urn:clausewatch:changes"
	for i := 0; i+1 < len(scope); i += 2 {
		id += ":" + feedEscape(scope[i]) + ":" + feedEscape(scope[i+1])
	}
	return id
}

func feedEscape(s string) string { return strings.ReplaceAll(url.PathEscape(s), ":", "%3A") }

// FeedInfo describes the feed itself.
type FeedInfo struct {
	ID      string    // permanent IRI of the feed ("urn:clausewatch:changes"); required
	Title   string    // required
	SelfURL string    // where the feed is served; "" writes no rel="self" link
	Updated time.Time // zero: the newest entry's time; required when there are no entries
}

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Links     []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Scheme string `xml:"scheme,attr"`
	Term   string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
}

// Category schemes of the entries' severity and kind.
const (
	AtomSeverityScheme = "urn:clausewatch:severity"
	AtomKindScheme     = "urn:clausewatch:kind"
)

const atomEntryHTML = `<p><strong>{{upper .E.Severity}}</strong> · {{.E.Kind}} · {{.E.ID}}</p>
<p>{{headline .E .O}}</p>
<p>source {{with url .O .E.Source}}<a href="{{.}}">{{end}}{{.E.Source}}{{with url .O .E.Source}}</a>{{end}} · page of {{day .E.SnapshotAt}} · detected {{day .E.DetectedAt}}</p>
{{with clause .E}}<p>clause: {{.}}</p>{{end}}{{if wordingText .E}}<p>{{wording .E}}</p>{{end}}
{{if showDetail .E}}<p>{{term .E.Detail}}</p>{{end}}`

// AtomEntryID is the permanent id of an event's feed entry:
// "tag:clausewatch,2026:c-000123". Events without an id (never stored) get
// one from a hash of their content, stable as long as the event is.
func AtomEntryID(e terms.Event) string {
	if e.ID != "" {
		return atomTagPrefix + e.ID
	}
	key := strings.Join([]string{e.Kind, e.Vendor, e.Tier, e.Attribute, e.Source,
		e.DetectedAt.UTC().Format(time.RFC3339Nano), e.Detail}, "\x00")
	return atomTagPrefix + "sha256-" + terms.HashBytes([]byte(key))[:16]
}

// Atom writes the events as an Atom 1.0 feed (RFC 4287), newest detection
// first, one entry per event: its id (AtomEntryID), the Headline as title,
// DetectedAt as updated and published, a link to the source page when
// o.SourceURL knows it, categories for the severity and the kind, a plain
// text summary, and the event's report as escaped HTML content (page text is
// escaped as in the HTML report, then XML-escaped as element text). The feed
// carries feed.ID, feed.Title, its updated time, a "clausewatch" author and a
// rel="self" link when feed.SelfURL is set. An empty feed ID or title, or no
// updated time at all, is an error and nothing is written.
func Atom(w io.Writer, evs []terms.Event, o Options, feed FeedInfo) error {
	if strings.TrimSpace(feed.ID) == "" || strings.TrimSpace(feed.Title) == "" {
		return errors.New("atom feed: id and title are required")
	}
	sorted := slices.Clone(evs)
	slices.SortStableFunc(sorted, func(a, b terms.Event) int {
		return cmp.Or(entryTime(b).Compare(entryTime(a)), cmp.Compare(b.ID, a.ID))
	})
	updated := feed.Updated
	if updated.IsZero() && len(sorted) > 0 {
		updated = entryTime(sorted[0])
	}
	if updated.IsZero() {
		return fmt.Errorf("atom feed %s: no updated time (no entries and FeedInfo.Updated is zero)", feed.ID)
	}
	f := atomFeed{
		ID:        feed.ID,
		Title:     atomText{Type: "text", Body: feed.Title},
		Updated:   atomTime(updated),
		Author:    atomPerson{Name: "clausewatch"},
		Generator: "clausewatch",
	}
	if feed.SelfURL != "" {
		f.Links = append(f.Links, atomLink{Rel: "self", Type: "application/atom+xml", Href: feed.SelfURL})
	}
	t := template.Must(template.New("entry").Funcs(htmlFuncs).Funcs(template.FuncMap{
		"wordingText": func(e terms.Event) bool { bt, at := sides(e); return bt != "" || at != "" },
		"url": func(o Options, id string) string {
			if u := o.url(id); isWebURL(u) {
				return u
			}
			return ""
		},
	}).Parse(atomEntryHTML))
	for _, e := range sorted {
		var body strings.Builder
		if err := t.Execute(&body, struct {
			E terms.Event
			O Options
		}{e, o}); err != nil {
			return fmt.Errorf("atom entry %s: %w", e.ID, err)
		}
		at := atomTime(entryTime(e))
		if entryTime(e).IsZero() {
			at = f.Updated
		}
		headline := Headline(e, o)
		en := atomEntry{
			ID:        AtomEntryID(e),
			Title:     atomText{Type: "text", Body: headline},
			Updated:   at,
			Published: at,
			Categories: []atomCategory{
				{Scheme: AtomSeverityScheme, Term: string(e.Severity)},
				{Scheme: AtomKindScheme, Term: e.Kind},
			},
			Summary: atomText{Type: "text", Body: fmt.Sprintf("%s %s: %s", e.Severity, e.Kind, headline)},
			Content: atomText{Type: "html", Body: body.String()},
		}
		if u := o.url(e.Source); isWebURL(u) {
			en.Links = append(en.Links, atomLink{Rel: "alternate", Type: "text/html", Href: u})
		}
		f.Entries = append(f.Entries, en)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("atom feed %s: %w", feed.ID, err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// entryTime is when an event was detected, or its snapshot time when it
// carries no detection time.
func entryTime(e terms.Event) time.Time {
	if !e.DetectedAt.IsZero() {
		return e.DetectedAt
	}
	return e.SnapshotAt
}

// isWebURL reports whether u is an absolute http(s) URL, the only kind an
// entry links to.
func isWebURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
