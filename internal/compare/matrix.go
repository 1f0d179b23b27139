package compare

import (
	"iter"
	"slices"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Agreement of a cell with the documented baseline (DESIGN.md).
const (
	Agree        = "agrees"       // the pages support the guide
	Drift        = "drift"        // a page contradicts the guide
	Conflict     = "conflict"     // pages disagree among themselves
	Unverified   = "unverified"   // the guide claims it, no page says either way
	Undocumented = "undocumented" // pages state it, the guide is silent
	Unknown      = "unknown"      // a page that should state it no longer does
	NotObserved  = "not-observed" // no page states it, the guide is silent too
)

// Cell is one vendor × tier × attribute of the table: what the pages say
// (the merged value and the evidence that decided it, with every statement
// that fed it), what the guide says, and whether they agree.
type Cell struct {
	Vendor     string
	Tier       string
	Attribute  string
	Observed   *terms.Value        // nil: no page states it
	Evidence   *terms.Evidence     // the deciding statement's evidence (nil when derived or not observed)
	Statements []terms.Observation // every observation that fed the cell, in source order
	Documented *terms.Value        // nil: no baseline entry
	Agreement  string              // one of Agree, Drift, …
	// Conflicting holds the statements of the deciding rank that disagree
	// with each other (both quotes), when the cell is a conflict.
	Conflicting []terms.Observation
	// Derivation says, in words, how a derived value (sensitive-data) was
	// reached from the tier's other values (attr.SensitiveWhy); "" for a
	// value a page states.
	Derivation string
}

// Agrees reports whether the cell's agreement is Agree.
func (c Cell) Agrees() bool { return c.Agreement == Agree }

// Matrix is the tier × attribute table of one vendor, built once by one
// merge rule (Build) and read by status, reports, baseline adopt and the
// drift decision alike.
type Matrix struct {
	Vendor terms.Vendor
	Cells  []Cell // tiers in the vendor's order (undeclared tiers after), then DESIGN's attribute order
	index  map[key]int
}

// Build merges the observations of every source of vendor v (typically
// the observations of each source's latest version) into one cell per
// declared tier and attribute, plus a cell for any undeclared tier an
// observation names:
//
//   - the value of a cell merges its statements as Merge does; the
//     evidence is that of the statement whose value decided it (the first
//     known statement equal to the merged value, else the first known one,
//     else any);
//   - sensitive-data is derived from the tier's other values (attr.Sensitive)
//     when the derivation is known;
//   - documented (vendor's baseline, tier → attribute → value; may be nil)
//     is held against the value by Agrees, giving the cell's Agreement.
func Build(v terms.Vendor, obs []terms.Observation, documented map[string]map[string]terms.Value) Matrix {
	m := merged(v, obs)
	m.derive()
	for i := range m.Cells {
		c := &m.Cells[i]
		if d, ok := documented[c.Tier][c.Attribute]; ok {
			d := d
			c.Documented = &d
		}
		c.Agreement = agreement(c)
	}
	return m
}

// merged is the table of what the pages state, before anything is derived
// or held against the guide: the one merge rule of every cell.
func merged(v terms.Vendor, obs []terms.Observation) Matrix {
	var extra []key
	for i := range obs {
		if !obs[i].Value.IsZero() {
			extra = append(extra, key{obs[i].Tier, obs[i].Attribute})
		}
	}
	m := layout(v, extra)
	for i := range obs {
		if o := &obs[i]; !o.Value.IsZero() {
			c := &m.Cells[m.index[key{o.Tier, o.Attribute}]]
			c.Statements = append(c.Statements, *o)
		}
	}
	primary := primaries(v)
	for i := range m.Cells {
		c := &m.Cells[i]
		c.decide(primary, pointers(c.Statements), true)
	}
	return m
}

// layout is the table's cells, none decided yet, in the table's order: one
// per declared tier and attribute, and every attribute of any undeclared
// tier the keys name (an attribute outside the vocabulary is kept, not
// hidden).
func layout(v terms.Vendor, keys []key) Matrix {
	m := Matrix{Vendor: v, index: map[key]int{}}
	add := func(tier, attribute string) {
		k := key{tier, attribute}
		if _, ok := m.index[k]; ok {
			return
		}
		m.index[k] = len(m.Cells)
		m.Cells = append(m.Cells, Cell{Vendor: v.ID, Tier: tier, Attribute: attribute})
	}
	for _, t := range v.Tiers {
		for _, a := range terms.Attributes {
			add(t.ID, a)
		}
	}
	for _, k := range keys {
		if _, ok := m.index[k]; !ok {
			for _, a := range terms.Attributes {
				add(k.tier, a)
			}
			add(k.tier, k.attribute)
		}
	}
	sortCells(v, m.Cells)
	for i, c := range m.Cells {
		m.index[key{c.Tier, c.Attribute}] = i
	}
	return m
}

// derive fills each sensitive-data cell no page states from its tier's
// other values (attr.SensitiveWhy), when the derivation is known.
func (m Matrix) derive() {
	for i := range m.Cells {
		c := &m.Cells[i]
		if c.Attribute == attr.SensitiveData && c.Observed == nil {
			if s, why := attr.SensitiveWhy(m.tierValues(c.Tier)); !s.IsZero() && !s.Unknown {
				c.Observed = &s
				c.Derivation = why
			}
		}
	}
}

// observed is Build(v, obs, nil).Values() for obs given in two parts: the
// statements of other sources, grouped by cell (in source order within a
// cell), followed by mine. It is how a decision weighs one version of a
// source against the vendor's other pages without copying them.
func observed(v terms.Vendor, primary map[string][]string, others map[key][]*terms.Observation, mine []terms.Observation) map[string]map[string]terms.Value {
	own := map[key][]*terms.Observation{}
	keys := make([]key, 0, len(others)+len(mine))
	for k := range others {
		keys = append(keys, k)
	}
	for i := range mine {
		if o := &mine[i]; !o.Value.IsZero() {
			k := key{o.Tier, o.Attribute}
			own[k] = append(own[k], o)
			keys = append(keys, k)
		}
	}
	m := layout(v, keys)
	for i := range m.Cells {
		c := &m.Cells[i]
		k := key{c.Tier, c.Attribute}
		c.decide(primary, func(yield func(*terms.Observation) bool) {
			for _, part := range [2][]*terms.Observation{others[k], own[k]} {
				for _, o := range part {
					if !yield(o) {
						return
					}
				}
			}
		}, false)
	}
	m.derive()
	return m.Values()
}

// pointers yields a pointer to each element of obs, in order.
func pointers(obs []terms.Observation) iter.Seq[*terms.Observation] {
	return func(yield func(*terms.Observation) bool) {
		for i := range obs {
			if !yield(&obs[i]) {
				return
			}
		}
	}
}

// Cell returns the cell of tier × attribute.
func (m Matrix) Cell(tier, attribute string) (Cell, bool) {
	i, ok := m.index[key{tier, attribute}]
	if !ok {
		return Cell{}, false
	}
	return m.Cells[i], true
}

// Value returns the observed value of tier × attribute, and whether a page
// (or the derivation of sensitive-data) states one.
func (m Matrix) Value(tier, attribute string) (terms.Value, bool) {
	c, ok := m.Cell(tier, attribute)
	if !ok || c.Observed == nil {
		return terms.Value{}, false
	}
	return *c.Observed, true
}

// tierValues are the observed values of a tier, by attribute, conflicts
// left out (a derivation from pages that disagree would pick a side).
func (m Matrix) tierValues(tier string) map[string]terms.Value {
	out := map[string]terms.Value{}
	for _, a := range terms.Attributes {
		if c, ok := m.Cell(tier, a); ok && c.Observed != nil && len(c.Conflicting) == 0 {
			out[a] = *c.Observed
		}
	}
	return out
}

// Values returns tier → attribute → observed value for every observed cell
// that is not a conflict (pages that disagree among themselves say nothing
// the guide can be held against).
func (m Matrix) Values() map[string]map[string]terms.Value {
	out := map[string]map[string]terms.Value{}
	for _, c := range m.Cells {
		if c.Observed == nil || len(c.Conflicting) > 0 {
			continue
		}
		if out[c.Tier] == nil {
			out[c.Tier] = map[string]terms.Value{}
		}
		out[c.Tier][c.Attribute] = *c.Observed
	}
	return out
}

// rank orders the statements of a cell: a page declared primary for the
// attribute outranks the others, and, within those, a statement that names
// the tier outranks one that speaks for its whole document. An unknown
// value ranks below every known one.
func rank(primary map[string][]string, o *terms.Observation) int {
	if o.Value.Unknown {
		return -1
	}
	r := 0
	if slices.Contains(primary[o.Evidence.Source], o.Attribute) {
		r += 2
	}
	if o.Evidence.Named {
		r++
	}
	return r
}

// decide decides cell c from its statements (given by stmts, in source
// order; they need not be c.Statements), by the one rule of DESIGN.md: the
// statements of the highest rank decide (see rank); a set unites every
// known statement (each item a page states is confirmed); retention maps of
// the deciding rank merge scope by scope; two deciding statements that
// still disagree (two scalars, or two periods for one scope) make the cell
// a conflict, its value the weaker of them. It sets Observed, Evidence
// (unless evidence is false: only the value is wanted) and Conflicting, and
// leaves them nil when there is no statement.
func (c *Cell) decide(primary map[string][]string, stmts iter.Seq[*terms.Observation], evidence bool) {
	deciding, ok := decider(primary, stmts)
	if !ok {
		return
	}
	var first *terms.Observation
	var val terms.Value
	var cs conflicts
	for o := range stmts {
		switch {
		case !deciding(o):
		case first == nil:
			first, val = o, clone(o.Value)
		case o.Value.Equal(val):
			// merging an equal value changes nothing and disagrees with nothing
		default:
			if disagree(val, o.Value) {
				cs.add(first)
				cs.add(o)
			}
			val = mergeValue(c.Attribute, val, o.Value)
		}
	}
	c.Observed, c.Conflicting = &val, cs.list
	if evidence {
		c.Evidence = decidingEvidence(stmts, deciding, val)
	}
}

// decider returns whether a statement decides a cell of statements stmts
// (the highest rank, and for a set every known statement); false when
// there is no statement.
func decider(primary map[string][]string, stmts iter.Seq[*terms.Observation]) (func(*terms.Observation) bool, bool) {
	top := -2
	for o := range stmts {
		top = max(top, rank(primary, o))
	}
	return func(o *terms.Observation) bool {
		r := rank(primary, o)
		return r == top || (o.Value.Set != nil && r >= 0)
	}, top > -2
}

// split parts a cell's statements into those that decide it and those
// they outrank (decider).
func split(primary map[string][]string, stmts []terms.Observation) (deciding, outranked []terms.Observation) {
	decides, _ := decider(primary, pointers(stmts))
	for i := range stmts {
		if decides(&stmts[i]) {
			deciding = append(deciding, stmts[i])
		} else {
			outranked = append(outranked, stmts[i])
		}
	}
	return deciding, outranked
}

// Deciding parts the statements of cell c of m into those that decided it
// and those they outranked, by the rule Build resolved it with (a page
// primary for the attribute first, then a statement naming the tier, an
// unknown value last): for explaining a cell, never for deciding one again.
func (m Matrix) Deciding(c Cell) (deciding, outranked []terms.Observation) {
	if len(c.Statements) == 0 {
		return nil, nil
	}
	return split(primaries(m.Vendor), c.Statements)
}

// primaries maps each source of v to the attributes it is primary for.
func primaries(v terms.Vendor) map[string][]string {
	m := map[string][]string{}
	for _, s := range v.Sources {
		if len(s.Primary) > 0 {
			m[s.ID] = s.Primary
		}
	}
	return m
}

// disagree reports whether two known statements of one rank contradict
// each other: different scalars, different periods for one scope, or a set
// item one confirms and the other denies.
func disagree(a, b terms.Value) bool {
	switch {
	case a.Unknown || b.Unknown:
		return false
	case a.Scalar != "" && b.Scalar != "":
		return a.Scalar != b.Scalar && !terms.IsUnspecified(a) && !terms.IsUnspecified(b)
	case a.Map != nil && b.Map != nil:
		for scope, p := range b.Map {
			if q, ok := a.Map[scope]; ok && q != p {
				return true
			}
		}
	case a.Set != nil && b.Set != nil:
		return slices.ContainsFunc(a.Set, func(it string) bool { return slices.Contains(b.Denied, it) }) ||
			slices.ContainsFunc(b.Set, func(it string) bool { return slices.Contains(a.Denied, it) })
	}
	return false
}

// conflicts collects the statements of a cell that disagree, each once
// (the same source, sentence and value), in the order they come: a cell
// that a thousand pages state and one contradicts costs linear time.
type conflicts struct {
	list []terms.Observation
	at   map[[2]string][]int // source and sentence → positions in list
}

func (cs *conflicts) add(o *terms.Observation) {
	k := [2]string{o.Evidence.Source, o.Evidence.Text}
	for _, i := range cs.at[k] {
		if cs.list[i].Value.Equal(o.Value) {
			return
		}
	}
	if cs.at == nil {
		cs.at = map[[2]string][]int{}
	}
	cs.at[k] = append(cs.at[k], len(cs.list))
	cs.list = append(cs.list, *o)
}

// decidingEvidence picks the evidence of the statement that decided the
// merged value: the first deciding one equal to it, else the first known
// deciding one, else the first deciding one.
func decidingEvidence(stmts iter.Seq[*terms.Observation], deciding func(*terms.Observation) bool, merged terms.Value) *terms.Evidence {
	var known, any *terms.Observation
	for o := range stmts {
		if !deciding(o) {
			continue
		}
		if any == nil {
			any = o
		}
		if o.Value.Unknown {
			continue
		}
		if o.Value.Equal(merged) {
			return &o.Evidence
		}
		if known == nil {
			known = o
		}
	}
	if known != nil {
		return &known.Evidence
	}
	return &any.Evidence
}

// agreement grades a cell against its documented value.
func agreement(c *Cell) string {
	documented := c.Documented != nil && !c.Documented.IsZero() && !terms.IsUnspecified(*c.Documented)
	switch {
	case c.Observed == nil && documented:
		return Unverified
	case c.Observed == nil:
		return NotObserved
	case c.Observed.Unknown:
		return Unknown
	case len(c.Conflicting) > 0:
		return Conflict
	case !documented:
		return Undocumented
	case Agrees(c.Attribute, *c.Documented, *c.Observed):
		return Agree
	case !Contradicts(c.Attribute, *c.Documented, *c.Observed):
		// What the guide claims and no page states either way (a set item,
		// a retention scope) is unverified, never drift.
		return Unverified
	}
	return Drift
}

func sortCells(v terms.Vendor, cs []Cell) {
	ks := make([]key, len(cs))
	for i, c := range cs {
		ks[i] = key{c.Tier, c.Attribute}
	}
	order := map[key]int{}
	sortKeys(v, ks)
	for i, k := range ks {
		order[k] = i
	}
	sorted := make([]Cell, len(cs))
	for _, c := range cs {
		sorted[order[key{c.Tier, c.Attribute}]] = c
	}
	copy(cs, sorted)
}
