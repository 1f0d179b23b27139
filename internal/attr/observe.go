package attr

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// Observe reads doc, a snapshot of src, sentence by sentence into
// statements about whom (DESIGN.md, "How pages are read") and returns at
// most one observation per tier × attribute, in the vendor's tier order,
// then DESIGN.md's attribute order:
//
//   - Every sentence is read for every attribute (sensitive-data, derived
//     by Sensitive, excepted), with its list lead-in, table row and heading
//     path as context.
//   - Whom a sentence speaks for comes from the text: the tiers whose
//     declared names (terms.Tier.Names) its main part names (names only in
//     an "unless …"/"except …" tail, in a qualifier of another named group
//     or as what is obtained do not count, see speaksFor), else its lead-in, else
//     the nearest heading of its path that names one. A sentence that names
//     none speaks for the tiers src is declared for.
//   - For each tier, the sentences that name it are read first; when they
//     state a value, that is the tier's observation, marked Named (it
//     outranks a statement that speaks for a whole document, see the table
//     of cells in compare). Otherwise the sentences that name no tier are
//     read, for the tiers src is declared for.
//   - Rules are optional. A rule of src for an attribute narrows what is
//     read for it to the clauses whose heading path matches Rule.Clause and
//     whose text matches Rule.Match; a rule with Exclude set leaves those
//     clauses out instead; a rule's Tiers say whom the sentences it selects
//     speak for when they name no tier (default: src's tiers). A narrowing
//     rule that selects nothing reads as unknown, naming the rule, for its
//     tiers: a page that should state it no longer does.
//
// Evidence: Source src.ID, Snapshot snap.ID, SnapshotAt snap.FetchedAt,
// Clause the heading path of the deciding sentence's clause, Text the
// sentences that support the value, Named as above.
func Observe(v terms.Vendor, src terms.Source, doc terms.Document, snap terms.Snapshot) []terms.Observation {
	return NewReader(v).Observe(src, doc, snap)
}

// Reader reads the pages of one vendor: its declarations and the patterns
// compiled from the names they declare, built once (NewReader) and shared
// by every page of a run. A Reader is never modified after it is built.
// Its readers skip the sentences they could read nothing from, as their
// gates tell (gate.go), and a group of sentences read lately is not read
// again (memo.go); what they read is the same. It is safe for concurrent
// use.
type Reader struct {
	vendor terms.Vendor
	lex    *Lexicon
	gates  *gates       // by attribute: the sentences its reader may read something from (gate.go)
	memo   *readingMemo // recent readings by their sentences (memo.go)
}

// NewReader compiles the reading of vendor v's pages.
func NewReader(v terms.Vendor) *Reader {
	lex := LexiconOf(v)
	return &Reader{vendor: v, lex: lex, gates: newGates(lex), memo: newReadingMemo()}
}

// Vendor is the vendor r reads for.
func (r *Reader) Vendor() terms.Vendor { return r.vendor }

// Observe is the package's Observe with r's vendor.
func (r *Reader) Observe(src terms.Source, doc terms.Document, snap terms.Snapshot) []terms.Observation {
	obs, _ := r.ObserveContext(context.Background(), src, doc, snap)
	return obs
}

// checkEvery is how many sentences are read between two looks at the
// context.
const checkEvery = 256

// ObserveContext is Observe, stopping when ctx is done: it then returns
// ctx's error and no observations. The context is looked at every
// checkEvery sentences and before each attribute and tier is read, so a
// stopped run waits for one reading, never for the whole page.
func (r *Reader) ObserveContext(ctx context.Context, src terms.Source, doc terms.Document, snap terms.Snapshot) ([]terms.Observation, error) {
	v, lex := r.vendor, r.lex
	var sents []sentence
	for i, s := range sentencesOf(doc.Clauses) {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		sents = append(sents, splitByWhom(lex, s)...)
	}
	if r.gates != nil {
		sw := r.gates.sentenceWords()
		for i := range sents {
			var prev *sentence
			if i > 0 && sameClause(sents[i-1], sents[i]) {
				prev = &sents[i-1]
			}
			sents[i].passes = sw.passing(sents[i], prev)
		}
		// A sentence that passes brings the one before it in its clause
		// along: readers read a sentence with the one it carries on
		// ("Instead, they are kept…", "…that content").
		for i := len(sents) - 1; i > 0; i-- {
			if sameClause(sents[i-1], sents[i]) {
				sents[i-1].passes |= sents[i].passes
			}
		}
	}
	if r.memo != nil {
		for i := range sents {
			sents[i].digest = sentenceDigest(sents[i])
		}
	}
	var out []terms.Observation
	for _, a := range terms.Attributes {
		if a == SensitiveData {
			continue
		}
		obs, err := observeAttribute(ctx, lex, v, src, a, sents, snap, r.gates.bit(a), r.memo)
		if err != nil {
			return nil, err
		}
		out = append(out, obs...)
	}
	tierRank := map[string]int{}
	for i, t := range v.Tiers {
		tierRank[t.ID] = i
	}
	slices.SortStableFunc(out, func(x, y terms.Observation) int {
		rx, okx := tierRank[x.Tier]
		ry, oky := tierRank[y.Tier]
		if !okx {
			rx = len(tierRank)
		}
		if !oky {
			ry = len(tierRank)
		}
		if rx != ry {
			return rx - ry
		}
		if x.Tier != y.Tier {
			return strings.Compare(x.Tier, y.Tier)
		}
		return terms.AttributeIndex(x.Attribute) - terms.AttributeIndex(y.Attribute)
	})
	return out, nil
}

// observeAttribute is Observe for one attribute; err is ctx's error. When gate is not 0, the
// attribute's reader reads only the sentences whose passes hold it; a
// group of which none does reads as nothing stated, as the reader would
// read it. With memo, a group read lately is not read again.
func observeAttribute(ctx context.Context, lex *Lexicon, v terms.Vendor, src terms.Source, attribute string, sents []sentence, snap terms.Snapshot, gate uint64, memo *readingMemo) ([]terms.Observation, error) {
	read := readerFor(attribute)
	pool, unknown := narrow(v, src, attribute, sents)
	evidence := func(rd Reading, named bool) terms.Evidence {
		ev := terms.Evidence{Source: src.ID, Snapshot: snap.ID, SnapshotAt: snap.FetchedAt, Named: named}
		if !rd.Value.Unknown {
			ev.Clause = rd.Clause.Heading()
			ev.Text = strings.Join(rd.Sentences, " ")
		}
		return ev
	}
	// Readings are memoized by the set of sentences read: the document-wide
	// reading is the same for every tier the page is declared for.
	byIdx := map[string]Reading{}
	readSet := func(idx []int) Reading {
		key := fmt.Sprint(idx)
		if rd, ok := byIdx[key]; ok {
			return rd
		}
		group := make([]sentence, 0, len(idx))
		for _, j := range idx {
			if gate == 0 || pool[j].passes&gate != 0 {
				group = append(group, pool[j].sentence)
			}
		}
		var rd Reading
		switch {
		case len(group) == 0:
		case memo != nil:
			ds := make([][sha256.Size]byte, len(group))
			for i, s := range group {
				ds[i] = s.digest
			}
			k := groupKey(attribute, ds)
			var ok bool
			if rd, ok = memo.get(k); !ok {
				rd = read(lex, group)
				memo.put(k, rd)
			}
		default:
			rd = read(lex, group)
		}
		byIdx[key] = rd
		return rd
	}
	var out []terms.Observation
	for _, t := range v.Tiers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var named, docWide []int
		for i, s := range pool {
			switch {
			case slices.Contains(s.tiers, t.ID):
				named = append(named, i)
			case s.tiers == nil && slices.Contains(s.pinned, t.ID):
				docWide = append(docWide, i)
			}
		}
		var nr, dr Reading
		if len(named) > 0 {
			nr = readSet(named)
		}
		if len(docWide) > 0 {
			dr = readSet(docWide)
		}
		if rd, named, ok := combine(nr, dr); ok {
			out = append(out, terms.Observation{Vendor: v.ID, Tier: t.ID, Attribute: attribute, Value: rd.Value, Evidence: evidence(rd, named)})
			continue
		}
		if reason, ok := unknown[t.ID]; ok {
			out = append(out, terms.Observation{Vendor: v.ID, Tier: t.ID, Attribute: attribute, Value: terms.UnknownValue(reason),
				Evidence: terms.Evidence{Source: src.ID, Snapshot: snap.ID, SnapshotAt: snap.FetchedAt}})
		}
	}
	return out, nil
}

// combine decides a tier's reading from what the sentences naming it say
// (named) and what the page's unnamed sentences say (doc): the named
// reading wins; for a retention map or a set, scopes and items only the
// page's unnamed sentences state are kept beside it (a sentence that sets
// the API's default retention does not take away the page's deletion
// period; see overlaySet for denied items). ok is false when neither
// states anything.
func combine(named, doc Reading) (Reading, bool, bool) {
	nk := !named.Value.Unknown && !named.Value.IsZero()
	dk := !doc.Value.Unknown && !doc.Value.IsZero()
	switch {
	case nk && dk && named.Value.Map != nil && doc.Value.Map != nil:
		m := maps.Clone(doc.Value.Map)
		maps.Copy(m, named.Value.Map)
		named.Value = terms.MapOf(m)
		named.Sentences = append(slices.Clone(named.Sentences), doc.Sentences...)
		return named, true, true
	case nk && dk && named.Value.Set != nil && doc.Value.Set != nil:
		named.Value = overlaySet(named.Value, doc.Value)
		named.Sentences = append(slices.Clone(named.Sentences), doc.Sentences...)
		return named, true, true
	case nk:
		return named, true, true
	case dk:
		return doc, false, true
	}
	return Reading{}, false, false
}

// splitByWhom reads a sentence whose clauses name different tiers
// ("consumer chats are kept until you delete them, while API inputs are
// deleted after 30 days", "…, and consumer plans keep chats until …": a
// stop, a contrast or a comma before a coordinated clause) as one sentence
// per clause, each speaking for
// the tiers it names; a clause that names none stays with the clause
// before it. Each clause after the first keeps the one before it as its
// antecedent, for readers of elliptical clauses ("…, while Team data is
// never used"). Any other sentence is returned whole, with its tiers (whom).
func splitByWhom(lex *Lexicon, s sentence) []sentence {
	s.tiers = whom(lex, s)
	if rows := splitRowByTier(lex, s); rows != nil {
		return rows
	}
	breaks := whomBreaks(s.text)
	if len(breaks) == 0 {
		return []sentence{s}
	}
	var parts []sentence
	start := 0
	for i := 0; i <= len(breaks); i++ {
		end := len(s.text)
		if i < len(breaks) {
			end = breaks[i][0]
		}
		text := strings.TrimSpace(s.text[start:end])
		if i < len(breaks) {
			start = breaks[i][1]
		}
		if text == "" {
			continue
		}
		tiers := lex.speaksFor(text)
		if tiers == nil && len(parts) > 0 {
			last := &parts[len(parts)-1]
			last.text += " " + text
			continue
		}
		parts = append(parts, sentence{clause: s.clause, text: text, leadIn: s.leadIn, tiers: tiers})
	}
	distinct := 0
	for i, p := range parts {
		if p.tiers != nil && (i == 0 || !slices.Equal(p.tiers, parts[i-1].tiers)) {
			distinct++
		}
	}
	if distinct < 2 {
		return []sentence{s}
	}
	for i := range parts {
		parts[i].norm = normalize(parts[i].text)
		if parts[i].tiers == nil {
			parts[i].tiers = s.tiers
		}
		if i > 0 {
			parts[i].antecedent = parts[i-1].norm
		}
	}
	return parts
}

// splitRowByTier reads a table row whose columns are tiers ("Feature:
// Audit logs | Team plan: No | Enterprise plan: Yes") as one row per tier
// column, each with the row's other cells and speaking for the tiers its
// column header names. Nil when s is no such row.
func splitRowByTier(lex *Lexicon, s sentence) []sentence {
	cells := strings.Split(s.text, " | ")
	if len(cells) < 3 {
		return nil
	}
	var common []string
	type tierCell struct {
		text  string
		tiers []string
	}
	var tcs []tierCell
	for _, c := range cells {
		header, _, ok := strings.Cut(c, ": ")
		if ts := lex.TiersNamed(header); ok && ts != nil {
			tcs = append(tcs, tierCell{c, ts})
			continue
		}
		common = append(common, c)
	}
	if len(tcs) < 2 {
		return nil
	}
	out := make([]sentence, 0, len(tcs))
	for _, tc := range tcs {
		text := strings.Join(append(slices.Clone(common), tc.text), " | ")
		c := s.clause
		c.Text = text // readers that read a row cell by cell see this tier's row
		out = append(out, sentence{clause: c, text: text, norm: normalize(text), leadIn: s.leadIn, tiers: tc.tiers})
	}
	return out
}

// pinnedSentence is a sentence with the tiers it speaks for when it names
// none: the page's tiers, or those of the rules that select it.
type pinnedSentence struct {
	sentence
	pinned []string
}

// narrow applies src's rules for attribute to the page's sentences: it
// returns the sentences to read, the tiers a sentence that names none
// speaks for, and, when a narrowing rule selected nothing, the reason its
// tiers read unknown.
func narrow(v terms.Vendor, src terms.Source, attribute string, sents []sentence) (pool []pinnedSentence, unknown map[string]string) {
	var include, exclude []terms.Rule
	for _, r := range v.Rules {
		switch {
		case r.Source != src.ID || r.Attribute != attribute:
		case r.Exclude:
			exclude = append(exclude, r)
		default:
			include = append(include, r)
		}
	}
	sel := newSelector(append(slices.Clone(include), exclude...))
	for _, s := range sents {
		if sel.any(exclude, s) {
			continue
		}
		if len(include) == 0 {
			pool = append(pool, pinnedSentence{s, src.Tiers})
			continue
		}
		var pinned []string
		for _, r := range include {
			if sel.selects(r, s) {
				pinned = appendNew(pinned, ruleTiers(src, r)...)
			}
		}
		if pinned != nil {
			pool = append(pool, pinnedSentence{s, pinned})
		}
	}
	// A narrowing rule that selects nothing leaves its tiers unknown.
	unknown = map[string]string{}
	for _, r := range include {
		if slices.ContainsFunc(sents, func(s sentence) bool { return sel.selects(r, s) }) {
			continue
		}
		for _, t := range ruleTiers(src, r) {
			if unknown[t] == "" {
				unknown[t] = noMatch(r, src)
			} else {
				unknown[t] += "; " + noMatch(r, src)
			}
		}
	}
	return pool, unknown
}

// ruleTiers are the tiers the unnamed sentences a rule selects speak for:
// its own, or the page's.
func ruleTiers(src terms.Source, r terms.Rule) []string {
	if len(r.Tiers) > 0 {
		return r.Tiers
	}
	return src.Tiers
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// selector tells which sentences rules select, their match patterns
// compiled once. The sentences of one clause come in a row and share its
// text, so a pattern is matched once per clause, not once per sentence (a
// clause of thousands of sentences would cost their square).
type selector struct {
	res      map[string]*regexp.Regexp
	lastText string          // the clause text of the memo
	memo     map[string]bool // pattern → whether it matches lastText
}

func newSelector(rules []terms.Rule) *selector {
	res := map[string]*regexp.Regexp{}
	for _, r := range rules {
		if r.Match == "" {
			continue
		}
		re, err := regexp.Compile("(?i)" + r.Match)
		if err != nil {
			re = regexp.MustCompile(nothing) // the declarations loader refuses such a rule
		}
		res[r.Match] = re
	}
	return &selector{res: res}
}

// selects reports whether rule r selects sentence s: its clause's heading
// path matches r.Clause and its clause text matches r.Match.
func (sel *selector) selects(r terms.Rule, s sentence) bool {
	return s.clause.Matches(r.Clause) && (r.Match == "" || sel.matches(r.Match, s.clause.Text))
}

// matches reports whether pattern matches a clause's text, remembering
// the answers for the last text. (Comparing a text with itself is cheap:
// the sentences of a clause share its string.)
func (sel *selector) matches(pattern, text string) bool {
	if sel.memo == nil || text != sel.lastText {
		sel.lastText, sel.memo = text, map[string]bool{}
	}
	v, ok := sel.memo[pattern]
	if !ok {
		v = sel.res[pattern].MatchString(text)
		sel.memo[pattern] = v
	}
	return v
}

// any reports whether one of rules selects s.
func (sel *selector) any(rules []terms.Rule, s sentence) bool {
	return slices.ContainsFunc(rules, func(r terms.Rule) bool { return sel.selects(r, s) })
}

// noMatch says why a narrowing rule read nothing.
func noMatch(r terms.Rule, src terms.Source) string {
	selector := fmt.Sprintf("%q", r.Clause)
	if r.Match != "" {
		selector += fmt.Sprintf(" with text matching %q", r.Match)
	}
	where := r.File
	if r.Line > 0 {
		where = fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	if where != "" {
		return fmt.Sprintf("no clause matches %s in %s (rule %s)", selector, src.ID, where)
	}
	return fmt.Sprintf("no clause matches %s in %s", selector, src.ID)
}

// whom returns the tiers a sentence names: in its main part (see
// speaksFor), else in its list lead-in, else in the nearest
// heading of its path that names any; nil when none does.
func whom(lex *Lexicon, s sentence) []string {
	if ts := lex.speaksFor(s.text); ts != nil {
		return ts
	}
	if s.leadIn != "" {
		if ts := lex.speaksFor(s.leadIn); ts != nil {
			return ts
		}
	}
	for i := len(s.clause.Path) - 1; i >= 0; i-- {
		if ts := lex.TiersNamed(s.clause.Path[i]); ts != nil {
			return ts
		}
	}
	return nil
}

// sentenceBefore is the sentence of s's clause right before s, or "" when s
// opens its clause (or is a part of a sentence).
func sentenceBefore(s sentence) string {
	ss := sentencesIn(strings.TrimSpace(s.clause.Text))
	if i := slices.Index(ss, s.text); i > 0 {
		return ss[i-1]
	}
	return ""
}

// sameClause reports whether two sentences come from one clause.
func sameClause(a, b sentence) bool {
	return a.clause.Text == b.clause.Text && slices.Equal(a.clause.Path, b.clause.Path)
}
