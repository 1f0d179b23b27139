// Package report renders change events and the tier × attribute status
// matrix as text, markdown, HTML and JSON. Page text is untrusted: the
// markdown and HTML renderers escape it.
package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

// Options tune a report.
type Options struct {
	// SourceURL returns the page URL of a source id ("" when unknown).
	SourceURL func(id string) string
	// TierLabel returns the display label of a vendor's tier ("" to use the id).
	TierLabel func(vendor, tier string) string
	Color     bool // ANSI colour in the text renderer
}

func (o Options) url(id string) string {
	if o.SourceURL == nil {
		return ""
	}
	return o.SourceURL(id)
}

// Sort orders events for reading: severity (critical first), then snapshot
// time, vendor, tier, attribute and id.
func Sort(evs []terms.Event) {
	slices.SortStableFunc(evs, func(a, b terms.Event) int {
		return cmp.Or(
			cmp.Compare(a.Severity.Rank(), b.Severity.Rank()),
			a.SnapshotAt.Compare(b.SnapshotAt),
			cmp.Compare(a.Vendor, b.Vendor),
			cmp.Compare(a.Tier, b.Tier),
			cmp.Compare(attrRank(a.Attribute), attrRank(b.Attribute)),
			cmp.Compare(a.ID, b.ID),
		)
	})
}

func attrRank(a string) int {
	if i := slices.Index(terms.Attributes, a); i >= 0 {
		return i
	}
	return len(terms.Attributes)
}

// Split separates the events a lawyer must read (low and above) from the
// digest of informational ones.
func Split(evs []terms.Event) (main, digest []terms.Event) {
	for _, e := range evs {
		if e.Notable() {
			main = append(main, e)
		} else {
			digest = append(digest, e)
		}
	}
	return main, digest
}

// Fold shows each change once: events of one change group (terms.Event
// Change) that say the same thing (kind, attribute, old and new value) for
// several tiers become one event whose Tier lists them, "consumer, team",
// and whose ID lists their ids. Other events pass unchanged, in order.
func Fold(evs []terms.Event) []terms.Event {
	out := make([]terms.Event, 0, len(evs))
	at := map[string]int{}
	for _, e := range evs {
		if e.Change == "" || e.Tier == "" {
			out = append(out, e)
			continue
		}
		k := e.Change + "\x00" + e.Kind + "\x00" + e.Attribute + "\x00" + show(e.Old) + "\x00" + show(e.New)
		i, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, e)
			continue
		}
		out[i].Tier += ", " + e.Tier
		out[i].ID += ", " + e.ID
	}
	return out
}

// Headline is the one-line summary of an event:
// "anthropic consumer training: never → opt-out".
func Headline(e terms.Event, o Options) string {
	var b strings.Builder
	b.WriteString(e.Vendor)
	if e.Tier != "" {
		var labels []string
		for _, tier := range strings.Split(e.Tier, ", ") { // several tiers when folded
			label := tier
			if o.TierLabel != nil {
				if l := o.TierLabel(e.Vendor, tier); l != "" {
					label = l
				}
			}
			labels = append(labels, label)
		}
		b.WriteString(" " + strings.Join(labels, ", "))
	}
	if e.Attribute != "" {
		b.WriteString(" " + e.Attribute)
	}
	switch {
	case e.Kind == terms.BaselineDrift:
		// Not a change over time: the guide and the pages disagree.
		fmt.Fprintf(&b, ": the guide says %s, the pages say %s", show(e.Old), show(e.New))
	case e.Old != nil || e.New != nil:
		fmt.Fprintf(&b, ": %s", Change(e.Old, e.New))
	case e.Kind == terms.FetchFailed || e.Kind == terms.ExtractionFailed || e.Kind == terms.Recovered:
		fmt.Fprintf(&b, " %s", e.Source)
	case e.Detail != "":
		fmt.Fprintf(&b, " %s: %s", e.Source, e.Detail)
	default:
		fmt.Fprintf(&b, " %s", e.Source)
	}
	return strings.TrimSpace(b.String())
}

// Change renders old → new briefly: for retention maps only the scopes that
// differ ("default=30 → default=60"), for sets what was dropped, added,
// denied or no longer denied ("dropped iso42001; denied iso42001"), else
// both values whole.
func Change(old, new *terms.Value) string {
	switch {
	case old != nil && new != nil && old.Map != nil && new.Map != nil:
		var o, n []string
		for _, k := range slices.Sorted(maps.Keys(old.Map)) {
			if new.Map[k] != old.Map[k] {
				o = append(o, k+"="+old.Map[k])
			}
		}
		for _, k := range slices.Sorted(maps.Keys(new.Map)) {
			if new.Map[k] != old.Map[k] {
				n = append(n, k+"="+new.Map[k])
			}
		}
		if len(o) == 0 {
			o = []string{"(no such scope)"}
		}
		if len(n) == 0 {
			n = []string{"(scope gone)"}
		}
		return strings.Join(o, ", ") + " → " + strings.Join(n, ", ")
	case old != nil && new != nil && old.Set != nil && new.Set != nil:
		var parts []string
		if d := minus(old.Set, new.Set); len(d) > 0 {
			parts = append(parts, "dropped "+strings.Join(d, ", "))
		}
		if a := minus(new.Set, old.Set); len(a) > 0 {
			parts = append(parts, "added "+strings.Join(a, ", "))
		}
		if d := minus(new.Denied, old.Denied); len(d) > 0 {
			parts = append(parts, "denied "+strings.Join(d, ", "))
		}
		if d := minus(old.Denied, new.Denied); len(d) > 0 {
			parts = append(parts, "no longer denied "+strings.Join(d, ", "))
		}
		if len(parts) > 0 {
			return strings.Join(parts, "; ")
		}
	}
	return show(old) + " → " + show(new)
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func show(v *terms.Value) string {
	if v == nil {
		return "(none)"
	}
	return v.String()
}

// Subject is an email subject naming what matters most:
// "[clausewatch] 2 critical: anthropic consumer training never → opt-out".
func Subject(evs []terms.Event, o Options) string {
	main, digest := Split(evs)
	if len(main) == 0 {
		return fmt.Sprintf("[clausewatch] %d informational change%s", len(digest), plural(len(digest)))
	}
	sorted := slices.Clone(main)
	Sort(sorted)
	sorted = Fold(sorted)
	top := sorted[0].Severity
	n := 0
	for _, e := range sorted {
		if e.Severity == top {
			n++
		}
	}
	return fmt.Sprintf("[clausewatch] %d %s: %s", n, top, strings.Replace(Headline(sorted[0], o), ": ", " ", 1))
}

// JSON writes the events as a JSON array (an empty array when none).
func JSON(w io.Writer, evs []terms.Event) error {
	if evs == nil {
		evs = []terms.Event{}
	}
	return jsonEncode(w, evs)
}

// Text writes the events grouped by severity, critical first, each with
// its clause, sentence diff, page URL and snapshot dates; informational
// events are summed up in a short digest at the end. Page text has its
// control characters replaced (textesc.Terminal), as in the word diff.
func Text(w io.Writer, evs []terms.Event, o Options) error {
	main, digest := Split(evs)
	Sort(main)
	main = Fold(main)
	if len(main) == 0 && len(digest) == 0 {
		_, err := fmt.Fprintln(w, "No changes.")
		return err
	}
	var cur terms.Severity
	for _, e := range main {
		if e.Severity != cur {
			cur = e.Severity
			fmt.Fprintf(w, "\n== %s ==\n", strings.ToUpper(string(cur)))
		}
		fmt.Fprintf(w, "\n%s  [%s] %s\n", e.ID, e.Kind, textesc.Terminal(Headline(e, o)))
		fmt.Fprintf(w, "  source: %s", e.Source)
		if u := o.url(e.Source); u != "" {
			fmt.Fprintf(w, " <%s>", u)
		}
		fmt.Fprintf(w, "\n  page of %s, detected %s\n", day(e.SnapshotAt), day(e.DetectedAt))
		if c := clause(e); c != "" {
			fmt.Fprintf(w, "  clause: %s\n", textesc.Terminal(c))
		}
		if bt, at := sides(e); bt != "" || at != "" {
			if bt != "" && at != "" && bt != at {
				fmt.Fprintf(w, "  wording: %s\n", diff.RenderSegmentsText(diff.Words(bt, at), o.Color))
			} else if at != "" {
				fmt.Fprintf(w, "  text: %s\n", textesc.Terminal(at))
			} else {
				fmt.Fprintf(w, "  was: %s\n", textesc.Terminal(bt))
			}
		}
		if e.Detail != "" && e.Old == nil && e.New == nil {
			fmt.Fprintf(w, "  %s\n", textesc.Terminal(e.Detail))
		}
	}
	if len(digest) > 0 {
		fmt.Fprintf(w, "\nDigest (%d informational):\n", len(digest))
		for _, e := range digest {
			fmt.Fprintf(w, "  %s %s %s (%s)\n", e.ID, e.Kind, textesc.Terminal(Headline(e, o)), day(e.SnapshotAt))
		}
	}
	return nil
}

// Markdown writes the same report as Text, in markdown.
func Markdown(w io.Writer, evs []terms.Event, o Options) error {
	main, digest := Split(evs)
	Sort(main)
	main = Fold(main)
	fmt.Fprintf(w, "# clausewatch: %d change%s\n", len(main), plural(len(main)))
	var cur terms.Severity
	for _, e := range main {
		if e.Severity != cur {
			cur = e.Severity
			fmt.Fprintf(w, "\n## %s\n", strings.ToUpper(string(cur)))
		}
		fmt.Fprintf(w, "\n### %s — %s\n\n", textesc.Markdown(Headline(e, o)), e.Kind)
		src := textesc.Markdown(e.Source)
		if u := o.url(e.Source); u != "" {
			src = fmt.Sprintf("[%s](%s)", src, u)
		}
		fmt.Fprintf(w, "- id: `%s`\n- source: %s, page of %s, detected %s\n", e.ID, src, day(e.SnapshotAt), day(e.DetectedAt))
		if c := clause(e); c != "" {
			fmt.Fprintf(w, "- clause: %s\n", textesc.Markdown(c))
		}
		if bt, at := sides(e); bt != "" && at != "" && bt != at {
			fmt.Fprintf(w, "- wording: %s\n", diff.RenderSegmentsMarkdown(diff.Words(bt, at)))
		} else if at != "" {
			fmt.Fprintf(w, "- text: %s\n", textesc.Markdown(at))
		} else if bt != "" {
			fmt.Fprintf(w, "- was: %s\n", textesc.Markdown(bt))
		}
		if e.Detail != "" && e.Old == nil && e.New == nil {
			fmt.Fprintf(w, "- detail: %s\n", textesc.Markdown(e.Detail))
		}
	}
	if len(digest) > 0 {
		fmt.Fprintf(w, "\n## Digest (%d informational)\n\n", len(digest))
		for _, e := range digest {
			fmt.Fprintf(w, "- `%s` %s %s (%s)\n", e.ID, e.Kind, textesc.Markdown(Headline(e, o)), day(e.SnapshotAt))
		}
	}
	return nil
}

func clause(e terms.Event) string {
	if e.After != nil && e.After.Clause != "" {
		return e.After.Clause
	}
	if e.Before != nil {
		return e.Before.Clause
	}
	return ""
}

func sides(e terms.Event) (before, after string) {
	if e.Before != nil {
		before = e.Before.Text
	}
	if e.After != nil {
		after = e.After.Text
	}
	return before, after
}

func day(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
