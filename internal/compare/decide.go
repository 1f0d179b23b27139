package compare

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// A page that loses most of the sentences of the version in force at once
// is more often a half-rendered page, an A/B test or a CDN hiccup than a
// vendor cutting its terms overnight: it is held as suspect (stored, not
// compared) until the next fetch says which. It is suspect when it keeps
// under SuspectCoverage of the distinct sentences of the version in force
// (extract.Kept, the measure by which a page read without selectors is
// accepted), loses at least SuspectMinLost of them, and holds fewer than
// SuspectCoverage as many sentences as the version in force: it shrank. A
// small page, or a genuine edit that drops a clause or two, is never held;
// nor is a rewrite, which brings as many sentences as it drops (the real
// pages do: a consumer terms page relaunched on a new site kept 23 of its
// 132 sentences and came with 279). A page that is both rewritten and cut
// to under half is held for one fetch, then accepted when the next one
// confirms it.
const (
	SuspectCoverage = 0.5
	SuspectMinLost  = 10
	// ConfirmCoverage is how alike a later page and the held one must be
	// for the later to confirm it: each holds at least this share of the
	// other's sentences (the same page again, give or take a sentence of
	// the few a shrunken page keeps). A page that shrank another way (a
	// tenth of the page, then two fifths) is held instead.
	ConfirmCoverage = 0.75
)

// Version is one recorded version of a source: its snapshot and, when the
// decision needs its wording, its extracted document.
type Version struct {
	Snapshot terms.Snapshot
	Doc      terms.Document
}

// History is everything the store holds that a decision about one attempt
// needs, read once inside the write transaction that records it.
type History struct {
	Vendor terms.Vendor
	// Reader reads the vendor's pages (attr.NewReader of Vendor, built once
	// per run by the caller); nil: Decide builds one.
	Reader   *attr.Reader
	Baseline map[string]map[string]terms.Value // the vendor's documented values, tier → attribute
	// Last is the version in force just before the attempt (any regional
	// variant), nil when there is none.
	Last *Version
	// LastOfVariant is the version in force just before the attempt among
	// the snapshots of the attempt's own variant; read only when Last is of
	// another variant (nil otherwise, or when that variant has none).
	LastOfVariant *Version
	// Next is the first version after the attempt (the attempt is a
	// backfill), nil when the attempt is the newest. Its Doc is read only
	// when it is of the attempt's variant and its text differs.
	Next *Version
	// Held is the page of this source held as suspect (terms.SuspectHeld),
	// fetched after the version in force and before the attempt, with its
	// document; nil when none is held.
	Held *Version
	// LastGood is the latest attempt that succeeded and is not withheld as
	// suspect (what a 304 repeats).
	LastGood *terms.Snapshot
	// Failing reports whether the source's latest attempt failed.
	Failing bool
	// Current is what the vendor's pages say now: the observations of the
	// latest version of each of its sources (this one included).
	Current []terms.Observation
	// Read is the set of sources with a recorded version before the
	// attempt: a cell is held against the guide once every page that may
	// feed it has been read. Nil: every source counts as read.
	Read map[string]bool
}

// Attempt is what one fetch or import of a source brought back.
type Attempt struct {
	Source   terms.Source
	Snapshot terms.Snapshot  // the row to record; ID 0 until recorded (see Decision.Bind)
	Doc      *terms.Document // the extracted document, nil for a failure or a 304
}

// Decision is what an attempt means: the snapshot row to record, whether it
// is a new version (then its document and Observations are recorded too)
// or a page held as suspect (Snapshot.Suspect is terms.SuspectHeld: its
// document is recorded, no observations), what becomes of a page held
// before it (Release), and the events it raises, in the order they are to
// be recorded.
type Decision struct {
	Snapshot     terms.Snapshot
	NewVersion   bool     // the text differs from the version in force before it
	First        bool     // no version was recorded before it
	Prev         *Version // the version a new version (or a held page) was compared with (nil: none)
	Observations []terms.Observation
	Release      *Release // the page held as suspect before the attempt, settled; nil: none was, or it stays held
	Events       []terms.Event
}

// Release settles a page held as suspect: accepted as the version in force
// (its Observations are recorded on its snapshot) or dismissed.
type Release struct {
	Version      Version // the held page (Snapshot.ID set)
	Accepted     bool
	Observations []terms.Observation // when Accepted
}

// State is the suspect state the held page's snapshot takes.
func (r Release) State() string {
	if r.Accepted {
		return terms.SuspectAccepted
	}
	return terms.SuspectDismissed
}

// Bind stamps the id the attempt's snapshot was recorded under on the
// decision: the observations' evidence and every event side that points at
// the attempt (snapshot id 0).
func (d *Decision) Bind(id int64) {
	d.Snapshot.ID = id
	for i := range d.Observations {
		if d.Observations[i].Evidence.Snapshot == 0 {
			d.Observations[i].Evidence.Snapshot = id
		}
	}
	for i := range d.Events {
		for _, s := range []*terms.Side{d.Events[i].Before, d.Events[i].After} {
			if s != nil && s.Snapshot == 0 {
				s.Snapshot = id
			}
		}
	}
}

// Decide says what one attempt means, given the source's history. It is
// pure: the same history and attempt always give the same decision.
//
//   - A failed attempt (an error category) raises fetch-failed or
//     extraction-failed when the source starts failing, nothing while it
//     keeps failing.
//   - A 304 repeats the last good snapshot; it raises recovered when the
//     source was failing.
//   - A page of another regional variant than the version before raises
//     variant-changed and is compared with what its own variant said last.
//   - A page whose text is the version in force's is no new version: only
//     recovered, when the source was failing. So is a page recorded
//     without a document but with the version in force's TextHash and
//     Variant (its selection was that version's: it was not read again). It dismisses a page held as
//     suspect (one recovered event says so).
//   - A page that loses most of the sentences of the version in force at
//     once and shrinks to under half (SuspectCoverage, SuspectMinLost) is
//     held as suspect: one
//     extraction-suspect event, no value, evidence or drift events, the
//     observations in force unchanged. While one is held, the next page
//     settles it: the same page again (ConfirmCoverage) accepts it (it is
//     compared with the version in force then, and its events raised
//     once); the page whole again dismisses it; another shrunken page is
//     held instead, without a second event. A 304 (the server's word that
//     the version in force is unchanged) dismisses it too.
//   - Any other page is a new version: its observations are read (attr),
//     compared with the previous version's (re-read with today's rules, so
//     that a change is always a change of the page) and, when it is the
//     newest, the vendor's table is held against the baseline (Events). A
//     backfill is also compared with the version after it, and raises no
//     drift and no recovery (those are about the pages of today).
func Decide(h History, a Attempt, now time.Time) Decision {
	d, _ := DecideContext(context.Background(), h, a, now)
	return d
}

// DecideContext is Decide, stopping when ctx is done (it then returns ctx's
// error and a decision to discard): reading a page of thousands of clauses
// takes a while, and a stopped run must not wait for it.
func DecideContext(ctx context.Context, h History, a Attempt, now time.Time) (Decision, error) {
	if h.Reader == nil {
		h.Reader = attr.NewReader(h.Vendor)
	}
	d := Decision{Snapshot: a.Snapshot}
	switch {
	case a.Snapshot.ErrorCategory != terms.ErrNone:
		if !h.Failing {
			kind := terms.FetchFailed
			if a.Snapshot.ErrorCategory == terms.ErrExtraction {
				kind = terms.ExtractionFailed
			}
			d.Events = append(d.Events, sourceEvent(kind, a, a.Snapshot.Error, now))
		}
		return d, nil
	case a.Snapshot.NotModified:
		if h.LastGood != nil {
			last := *h.LastGood
			d.Snapshot.ContentHash, d.Snapshot.TextHash, d.Snapshot.Size, d.Snapshot.Variant = last.ContentHash, last.TextHash, last.Size, last.Variant
			d.Snapshot.ExtractedBy, d.Snapshot.SelectionHash = last.ExtractedBy, last.SelectionHash
			if d.Snapshot.ETag == "" {
				d.Snapshot.ETag = last.ETag
			}
			if d.Snapshot.LastModified == "" {
				d.Snapshot.LastModified = last.LastModified
			}
		}
		if h.Failing {
			d.Events = append(d.Events, sourceEvent(terms.Recovered, a, "the source is readable again", now))
		}
		if h.Held != nil {
			d.Release = &Release{Version: *h.Held}
			if n := len(d.Events); n > 0 {
				d.Events[n-1] = dismissEvent(a, h.Held.Snapshot, now) // one recovery says both
			} else {
				d.Events = append(d.Events, dismissEvent(a, h.Held.Snapshot, now))
			}
		}
		return d, nil
	case a.Doc == nil && (a.Snapshot.TextHash == "" || h.Last == nil || h.Last.Snapshot.TextHash != a.Snapshot.TextHash || h.Last.Snapshot.Variant != a.Snapshot.Variant):
		return d, nil
	}
	// A page without Doc but with the version in force's text (and
	// variant) was not read again: its selection is that version's. It is
	// the same text again, which decidePage says without reading a.Doc.
	return decidePage(ctx, h, a, now, true)
}

// Accept is the decision to accept h.Held, the page held as suspect, as
// the version in force without waiting for the next fetch ('recheck
// --accept'): it is compared with the version in force (h.Last) as any new
// version is, and its Release carries its observations. The Decision's
// Snapshot is the held page's, settled; no snapshot is to be recorded.
// h.Held must be set.
func Accept(h History, src terms.Source, now time.Time) Decision {
	d, _ := accept(context.Background(), h, src, now)
	return d
}

// accept is Accept, stopping when ctx is done.
func accept(ctx context.Context, h History, src terms.Source, now time.Time) (Decision, error) {
	if h.Reader == nil {
		h.Reader = attr.NewReader(h.Vendor)
	}
	held := *h.Held
	g := h
	g.Held, g.Next, g.Failing = nil, nil, false
	d, err := decidePage(ctx, g, Attempt{Source: src, Snapshot: held.Snapshot, Doc: &held.Doc}, now, false)
	if err != nil {
		return d, err
	}
	d.Snapshot.Suspect = terms.SuspectAccepted
	d.Release = &Release{Version: held, Accepted: true, Observations: d.Observations}
	d.Observations, d.NewVersion, d.First = nil, false, false
	return d, nil
}

// confirm accepts h.Held, confirmed by attempt a (the same page again),
// then decides a against it.
func confirm(ctx context.Context, h History, a Attempt, now time.Time) (Decision, error) {
	acc, err := accept(ctx, h, a.Source, now)
	if err != nil {
		return acc, err
	}
	g := h // g.Failing stays: a raises recovered when the source was failing
	g.Last, g.LastOfVariant, g.Held = h.Held, nil, nil
	g.Current = replaceSource(h.Current, a.Source.ID, acc.Release.Observations)
	d, err := decidePage(ctx, g, a, now, false)
	if err != nil {
		return d, err
	}
	d.First = false
	d.Release = acc.Release
	d.Events = append(acc.Events, d.Events...)
	if !d.NewVersion {
		d.Prev = acc.Prev
	}
	return d, nil
}

// shrunk reports whether next keeps so few of prev's sentences, and holds
// so few of its own, that it is suspect (see SuspectCoverage), with how
// many of prev's it kept.
func shrunk(prev, next terms.Document) (suspect bool, kept, of int) {
	kept, of = extract.Kept(prev, next)
	if of-kept < SuspectMinLost || float64(kept) >= SuspectCoverage*float64(of) {
		return false, kept, of
	}
	_, size := extract.Kept(next, prev)
	return float64(size) < SuspectCoverage*float64(of), kept, of
}

// confirms reports whether page a is the held page again: the same text,
// or each holding ConfirmCoverage of the other's sentences.
func confirms(held Version, a Attempt) bool {
	if held.Snapshot.Variant != a.Snapshot.Variant {
		return false
	}
	if held.Snapshot.TextHash == a.Snapshot.TextHash {
		return true
	}
	return extract.Coverage(held.Doc, *a.Doc) >= ConfirmCoverage && extract.Coverage(*a.Doc, held.Doc) >= ConfirmCoverage
}

// decidePage decides a page; hold says whether a shrunken page may be held
// as suspect (not when a held page is being accepted).
func decidePage(ctx context.Context, h History, a Attempt, now time.Time, hold bool) (Decision, error) {
	d := Decision{Snapshot: a.Snapshot, First: h.Last == nil}
	prev := h.Last
	if prev != nil && prev.Snapshot.Variant != a.Snapshot.Variant {
		d.Events = append(d.Events, variantEvent(a, prev.Snapshot, now))
		prev = h.LastOfVariant
	}
	newest := h.Next == nil
	held := h.Held
	if !newest {
		held = nil // a backfill settles nothing: the held page is about today
	}
	if newest && h.Failing {
		d.Events = append(d.Events, sourceEvent(terms.Recovered, a, "the source is readable again", now))
	}
	dismiss := func() {
		if held == nil {
			return
		}
		d.Release = &Release{Version: *held}
		e := dismissEvent(a, held.Snapshot, now)
		if n := len(d.Events); n > 0 && d.Events[n-1].Kind == terms.Recovered {
			d.Events[n-1] = e // one recovery says both: readable, and whole, again
			return
		}
		d.Events = append(d.Events, e)
	}
	if prev != nil && prev.Snapshot.TextHash == a.Snapshot.TextHash {
		dismiss()
		return d, nil
	}
	if held != nil && confirms(*held, a) {
		// The held page's own comparison says a variant switch; the
		// recovery, if any, is said by a's.
		return confirm(ctx, h, a, now)
	}
	if hold && newest && prev != nil {
		if suspect, kept, of := shrunk(prev.Doc, *a.Doc); suspect {
			d.Snapshot.Suspect, d.Prev = terms.SuspectHeld, prev
			if held != nil {
				// Still shrunken, another way: this page is held instead,
				// and the event the first one raised still stands.
				d.Release = &Release{Version: *held}
			} else {
				d.Events = append(d.Events, suspectEvent(a, prev.Snapshot, kept, of, now))
			}
			return d, nil
		}
	}
	dismiss()
	d.NewVersion, d.Prev = true, prev
	doc := *a.Doc
	read, err := h.Reader.ObserveContext(ctx, a.Source, doc, a.Snapshot)
	if err != nil {
		return d, err
	}
	d.Observations = slices.Clone(read)
	var prevObs []terms.Observation // the previous version read with today's rules, once
	if prev != nil {
		if prevObs, err = h.Reader.ObserveContext(ctx, a.Source, prev.Doc, prev.Snapshot); err != nil {
			return d, err
		}
	}
	if newest && prev != nil {
		d.Observations = append(d.Observations, lost(h, a, prevObs, d.Observations)...)
	}
	d.Events = append(d.Events, versionEvents(h, a.Source, prev, prevObs, Version{a.Snapshot, doc}, d.Observations, newest, now)...)
	if next := h.Next; next != nil && next.Snapshot.TextHash != a.Snapshot.TextHash && next.Snapshot.Variant == a.Snapshot.Variant {
		nextObs, err := h.Reader.ObserveContext(ctx, a.Source, next.Doc, next.Snapshot)
		if err != nil {
			return d, err
		}
		d.Events = append(d.Events, versionEvents(h, a.Source, &Version{a.Snapshot, doc}, read, *next, nextObs, false, now)...)
	}
	return d, nil
}

// lost keeps what the page stopped saying as unknown: every cell the
// previous version stated (read with today's rules) or had already lost,
// that the new version does not state, is an unknown observation with the
// reason, never a silent gap. It is found again when a version states it.
func lost(h History, a Attempt, prevObs, now []terms.Observation) []terms.Observation {
	type cellKey struct{ tier, attribute string }
	stated := map[cellKey]bool{}
	for _, o := range now {
		stated[cellKey{o.Tier, o.Attribute}] = true
	}
	var out []terms.Observation
	add := func(o terms.Observation, reason string) {
		k := cellKey{o.Tier, o.Attribute}
		if stated[k] {
			return
		}
		stated[k] = true
		out = append(out, terms.Observation{Vendor: o.Vendor, Tier: o.Tier, Attribute: o.Attribute,
			Value:    terms.UnknownValue(reason),
			Evidence: terms.Evidence{Source: a.Source.ID, Snapshot: a.Snapshot.ID, SnapshotAt: a.Snapshot.FetchedAt}})
	}
	for _, o := range prevObs {
		if !o.Value.Unknown {
			where := ""
			if o.Evidence.Clause != "" {
				where = " (it said so under “" + o.Evidence.Clause + "”)"
			}
			add(o, a.Source.ID+" no longer states it"+where)
		}
	}
	for _, o := range h.Current {
		if o.Evidence.Source == a.Source.ID && o.Value.Unknown {
			add(o, o.Value.Reason)
		}
	}
	return out
}

// versionEvents compares version next (observed as nextObs) with prev and,
// when current, the vendor's table with the baseline.
func versionEvents(h History, src terms.Source, prev *Version, prevObs []terms.Observation, next Version, nextObs []terms.Observation, current bool, now time.Time) []terms.Event {
	in := Input{
		Vendor:      h.Vendor,
		Source:      src,
		After:       next.Snapshot,
		Next:        nextObs,
		NextClauses: byHeading(next.Doc.Clauses),
		ReadBefore:  h.Read,
		Now:         now,
	}
	if current {
		in.Baseline = h.Baseline
	}
	if prev != nil {
		before := prev.Snapshot
		in.Before = &before
		in.Prev = prevObs
		in.PrevClauses = byHeading(prev.Doc.Clauses)
	}
	// Only the tiers this version can move are held against the guide: those
	// its page is declared for and those its statements name, before and
	// after. The other tiers' cells are the same on both sides. Of those,
	// only the tiers the guide documents: the vendor's table is merged for
	// nothing else (driftEvents reads it for documented cells only).
	touched := touchedTiers(src, prevObs, nextObs)
	for t := range touched {
		if len(in.Baseline[t]) == 0 {
			delete(touched, t)
		}
	}
	if len(touched) == 0 {
		return Events(in)
	}
	others := map[key][]*terms.Observation{}
	for i := range h.Current {
		if o := &h.Current[i]; touched[o.Tier] && o.Evidence.Source != src.ID && !o.Value.IsZero() {
			k := key{o.Tier, o.Attribute}
			others[k] = append(others[k], o)
		}
	}
	primary := primaries(h.Vendor)
	in.ObservedBefore = observed(h.Vendor, primary, others, prevObs)
	in.ObservedAfter = observed(h.Vendor, primary, others, nextObs)
	return Events(in)
}

// touchedTiers are the tiers a version of src can move.
func touchedTiers(src terms.Source, obs ...[]terms.Observation) map[string]bool {
	t := map[string]bool{}
	for _, id := range src.Tiers {
		t[id] = true
	}
	for _, list := range obs {
		for _, o := range list {
			t[o.Tier] = true
		}
	}
	return t
}

// sourceEvent is an event about the source as a whole: fetch-failed,
// extraction-failed, recovered.
func sourceEvent(kind string, a Attempt, detail string, now time.Time) terms.Event {
	return terms.Event{Kind: kind, Severity: Severity(kind, "", terms.Value{}, terms.Value{}),
		Vendor: a.Source.Vendor, Source: a.Source.ID, SnapshotAt: a.Snapshot.FetchedAt, DetectedAt: now,
		Detail: detail, After: &terms.Side{Snapshot: a.Snapshot.ID}}
}

// suspectEvent says page a, which keeps kept of the of sentences of the
// version in force prev, is held as suspect.
func suspectEvent(a Attempt, prev terms.Snapshot, kept, of int, now time.Time) terms.Event {
	e := sourceEvent(terms.ExtractionSuspect, a, fmt.Sprintf(
		"the page keeps %d of the %d sentences of the version in force (snapshot %d, %s): held as suspect and not compared "+
			"until the next fetch confirms it ('clausewatch recheck %s --accept' accepts it now)",
		kept, of, prev.ID, prev.FetchedAt.UTC().Format(time.RFC3339), a.Source.ID), now)
	e.Before = &terms.Side{Snapshot: prev.ID}
	return e
}

// dismissEvent says the page held as suspect (held) is dismissed: the
// version in force is back.
func dismissEvent(a Attempt, held terms.Snapshot, now time.Time) terms.Event {
	e := sourceEvent(terms.Recovered, a, fmt.Sprintf("the page is whole again: the page held as suspect (snapshot %d, %s) is dismissed",
		held.ID, held.FetchedAt.UTC().Format(time.RFC3339)), now)
	e.Before = &terms.Side{Snapshot: held.ID}
	return e
}

// variantEvent says the URL served another regional variant: not a change
// of terms.
func variantEvent(a Attempt, prev terms.Snapshot, now time.Time) terms.Event {
	name := func(v string) string {
		if v == "" {
			return "an unrecognized variant"
		}
		return "the " + v + " variant"
	}
	old, nw := terms.Scalar(prev.Variant), terms.Scalar(a.Snapshot.Variant)
	return terms.Event{Kind: terms.VariantChanged, Severity: Severity(terms.VariantChanged, "", old, nw),
		Vendor: a.Source.Vendor, Source: a.Source.ID, SnapshotAt: a.Snapshot.FetchedAt, DetectedAt: now, Old: &old, New: &nw,
		Detail: fmt.Sprintf("the page served %s (it served %s before)", name(a.Snapshot.Variant), name(prev.Variant)),
		Before: &terms.Side{Snapshot: prev.ID}, After: &terms.Side{Snapshot: a.Snapshot.ID}}
}

// byHeading indexes clauses by heading path. Several clauses under one
// heading are joined (in one pass, so a page of many clauses under one
// heading costs linear time), so that a change to any of them is seen.
func byHeading(cs []terms.Clause) map[string]terms.Clause {
	parts := make(map[string][]string, len(cs))
	first := make(map[string]terms.Clause, len(cs))
	for _, c := range cs {
		h := c.Heading()
		if _, ok := first[h]; !ok {
			first[h] = c
		}
		parts[h] = append(parts[h], c.Text)
	}
	m := make(map[string]terms.Clause, len(first))
	for h, c := range first {
		if ps := parts[h]; len(ps) > 1 {
			c.Text = strings.Join(ps, "\n")
		}
		m[h] = c
	}
	return m
}

// replaceSource returns obs without the observations of source id, plus with.
func replaceSource(obs []terms.Observation, id string, with []terms.Observation) []terms.Observation {
	out := make([]terms.Observation, 0, len(obs)+len(with))
	for _, o := range obs {
		if o.Evidence.Source != id {
			out = append(out, o)
		}
	}
	return append(out, with...)
}
