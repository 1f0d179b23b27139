package compare

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func stmt(source, tier, attribute string, v terms.Value, named bool) terms.Observation {
	return terms.Observation{Vendor: "acme", Tier: tier, Attribute: attribute, Value: v,
		Evidence: terms.Evidence{Source: source, Clause: "c", Text: source + " says " + v.String(), Named: named}}
}

func TestBuildResolvesEachCellByOneRule(t *testing.T) {
	v := vendor()
	v.Sources = []terms.Source{{ID: "retention-article", Primary: []string{"retention"}}, {ID: "terms"}, {ID: "policy"}}
	never, optOut := terms.Scalar("never"), terms.Scalar("opt-out")
	tests := []struct {
		name      string
		obs       []terms.Observation
		doc       terms.Value
		want      terms.Value
		agreement string
		from      string // the deciding statement's source
	}{
		{"a statement naming the tier outranks a document-wide one",
			[]terms.Observation{stmt("terms", "api", "training", optOut, false), stmt("policy", "api", "training", never, true)},
			never, never, Agree, "policy"},
		{"a primary page outranks a named statement elsewhere",
			[]terms.Observation{stmt("terms", "api", "retention", ret("default", "90"), true), stmt("retention-article", "api", "retention", ret("default", "30"), false)},
			ret("default", "30"), ret("default", "30"), Agree, "retention-article"},
		{"two statements of one rank that disagree are a conflict",
			[]terms.Observation{stmt("terms", "api", "training", never, false), stmt("policy", "api", "training", optOut, false)},
			never, optOut, Conflict, "policy"},
		{"the same value from two pages is no conflict",
			[]terms.Observation{stmt("terms", "api", "training", never, false), stmt("policy", "api", "training", never, false)},
			optOut, never, Drift, "terms"},
		{"a known value outranks an unknown one",
			[]terms.Observation{stmt("terms", "api", "training", terms.UnknownValue("gone"), true), stmt("policy", "api", "training", never, false)},
			never, never, Agree, "policy"},
		{"every unknown: unknown with the reason",
			[]terms.Observation{stmt("terms", "api", "zdr", terms.UnknownValue("the page no longer says"), false)},
			terms.Scalar("available"), terms.UnknownValue("the page no longer says"), Unknown, "terms"},
		{"set items from every page are confirmed",
			[]terms.Observation{stmt("terms", "api", "security", terms.SetOf("soc2-type2"), true), stmt("policy", "api", "security", terms.SetOf("iso27001"), false)},
			terms.SetOf("iso27001", "soc2-type2"), terms.SetOf("iso27001", "soc2-type2"), Agree, "terms"},
		{"a documented item no page mentions is unverified, never drift",
			[]terms.Observation{stmt("terms", "api", "security", terms.SetOf("soc2-type2"), false)},
			terms.SetOf("audit-logs", "soc2-type2"), terms.SetOf("soc2-type2"), Unverified, "terms"},
		{"a documented item a page denies is contradicted: drift",
			[]terms.Observation{stmt("terms", "api", "security", terms.DenySet([]string{"soc2-type2"}, []string{"iso42001"}), false)},
			terms.SetOf("iso42001", "soc2-type2"), terms.DenySet([]string{"soc2-type2"}, []string{"iso42001"}), Drift, "terms"},
		{"a denied item the guide does not claim is no drift",
			[]terms.Observation{stmt("terms", "api", "security", terms.DenySet([]string{"soc2-type2"}, []string{"iso42001"}), false)},
			terms.SetOf("soc2-type2"), terms.DenySet([]string{"soc2-type2"}, []string{"iso42001"}), Agree, "terms"},
		{"an item one page confirms and another denies is a conflict, read denied",
			[]terms.Observation{stmt("terms", "api", "security", terms.SetOf("scim", "sso"), false), stmt("policy", "api", "security", terms.DenySet(nil, []string{"scim"}), false)},
			terms.SetOf("scim", "sso"), terms.DenySet([]string{"sso"}, []string{"scim"}), Conflict, "terms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.obs[0].Attribute
			m := Build(v, tt.obs, map[string]map[string]terms.Value{"api": {a: tt.doc}})
			c, ok := m.Cell("api", a)
			if !ok || c.Observed == nil {
				t.Fatalf("no cell: %+v", c)
			}
			if !c.Observed.Equal(tt.want) || c.Observed.Reason != tt.want.Reason {
				t.Errorf("value %s (%q), want %s", c.Observed, c.Observed.Reason, tt.want)
			}
			if c.Agreement != tt.agreement {
				t.Errorf("agreement %s, want %s", c.Agreement, tt.agreement)
			}
			if c.Evidence == nil || c.Evidence.Source != tt.from {
				t.Errorf("evidence %+v, want from %s", c.Evidence, tt.from)
			}
			if tt.agreement == Conflict && len(c.Conflicting) != 2 {
				t.Errorf("a conflict quotes both statements: %+v", c.Conflicting)
			}
		})
	}
}

func TestBuildAgreementWords(t *testing.T) {
	v := vendor()
	doc := map[string]map[string]terms.Value{
		"consumer": {"training": terms.Scalar("never"), "zdr": terms.Scalar(terms.Unspecified)},
	}
	m := Build(v, []terms.Observation{stmt("terms", "team", "training", terms.Scalar("never"), false)}, doc)
	for _, tt := range []struct{ tier, attribute, want string }{
		{"consumer", "training", Unverified},
		{"consumer", "zdr", NotObserved},
		{"consumer", "rights", NotObserved},
		{"team", "training", Undocumented},
	} {
		if c, _ := m.Cell(tt.tier, tt.attribute); c.Agreement != tt.want {
			t.Errorf("%s %s: %s, want %s", tt.tier, tt.attribute, c.Agreement, tt.want)
		}
	}
	if got := len(m.Cells); got != len(v.Tiers)*len(terms.Attributes) {
		t.Errorf("%d cells, want one per tier and attribute", got)
	}
}

func TestRetentionScopesNoPageStatesAreUnverified(t *testing.T) {
	v := vendor()
	obs := []terms.Observation{stmt("terms", "api", "retention", ret("default", "30"), false)}
	for _, tt := range []struct {
		doc  terms.Value
		want string
	}{
		{ret("default", "30"), Agree},
		{ret("default", "30", "batch", "29"), Unverified},
		{ret("default", "90", "batch", "29"), Drift},
	} {
		m := Build(v, obs, map[string]map[string]terms.Value{"api": {"retention": tt.doc}})
		if c, _ := m.Cell("api", "retention"); c.Agreement != tt.want {
			t.Errorf("documented %s, observed default=30: %s, want %s", tt.doc, c.Agreement, tt.want)
		}
	}
}

// randomStatements draws n statements of a few sources about a few cells of
// vendor() (and one undeclared tier), with values of every shape: scalars
// (unspecified among them), retention maps, sets with denied items, unknown
// and empty values, named or not.
func randomStatements(r *rand.Rand, n int) []terms.Observation {
	tiers := []string{"consumer", "team", "api", "partner"}
	sources := []string{"terms", "policy", "retention-article", "help"}
	values := map[string][]terms.Value{
		"training": {terms.Scalar("never"), terms.Scalar("opt-out"), terms.Scalar("opt-in"), terms.Scalar("unspecified"),
			terms.UnknownValue("gone"), {}},
		"retention": {ret("default", "30"), ret("default", "90"), ret("default", "30", "files", "until-deleted"),
			ret("default", "configurable"), terms.UnknownValue("gone")},
		"security": {terms.SetOf("soc2-type2"), terms.SetOf("iso27001", "soc2-type2"),
			terms.DenySet([]string{"sso"}, []string{"iso42001"}), terms.DenySet(nil, []string{"soc2-type2"})},
		"hipaa-baa": {terms.Scalar("available"), terms.Scalar("not-available"), terms.Scalar("sales-only")},
	}
	attrs := []string{"training", "retention", "security", "hipaa-baa"}
	out := make([]terms.Observation, n)
	for i := range out {
		a := attrs[r.IntN(len(attrs))]
		vs := values[a]
		out[i] = stmt(sources[r.IntN(len(sources))], tiers[r.IntN(len(tiers))], a, vs[r.IntN(len(vs))], r.IntN(2) == 0)
	}
	return out
}

// naiveValue is the cell rule written out the long way: every deciding
// statement merged in turn, a disagreement checked before each merge, the
// disagreeing statements listed once each by a search of the list.
func naiveValue(primary map[string][]string, attribute string, stmts []terms.Observation) (terms.Value, []terms.Observation) {
	if len(stmts) == 0 {
		return terms.Value{}, nil
	}
	deciding, _ := split(primary, stmts)
	val := clone(deciding[0].Value)
	var conflicting []terms.Observation
	add := func(o terms.Observation) {
		if !slices.ContainsFunc(conflicting, func(x terms.Observation) bool {
			return x.Evidence.Source == o.Evidence.Source && x.Evidence.Text == o.Evidence.Text && x.Value.Equal(o.Value)
		}) {
			conflicting = append(conflicting, o)
		}
	}
	for _, o := range deciding[1:] {
		if disagree(val, o.Value) {
			add(deciding[0])
			add(o)
		}
		val = mergeValue(attribute, val, o.Value)
	}
	return val, conflicting
}

func TestCellRuleSkipsNothingThatMatters(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	v := vendor()
	v.Sources = []terms.Source{{ID: "retention-article", Primary: []string{"retention"}}, {ID: "terms"}, {ID: "policy"}, {ID: "help"}}
	primary := primaries(v)
	for round := range 500 {
		obs := randomStatements(r, 1+r.IntN(40))
		m := Build(v, obs, nil)
		for _, c := range m.Cells {
			if c.Derivation != "" {
				continue
			}
			want, conflicting := naiveValue(primary, c.Attribute, c.Statements)
			if len(c.Statements) == 0 {
				if c.Observed != nil {
					t.Fatalf("round %d: %s/%s observed %v with no statement", round, c.Tier, c.Attribute, *c.Observed)
				}
				continue
			}
			if !c.Observed.Equal(want) || !slices.EqualFunc(c.Conflicting, conflicting, func(a, b terms.Observation) bool {
				return a.Evidence == b.Evidence && a.Value.Equal(b.Value)
			}) {
				t.Fatalf("round %d: %s/%s = %v (conflicting %v), the long way %v (conflicting %v)\n%v",
					round, c.Tier, c.Attribute, *c.Observed, c.Conflicting, want, conflicting, c.Statements)
			}
		}
	}
}

func TestObservedIsTheTableOfOthersAndMine(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	v := vendor()
	v.Sources = []terms.Source{{ID: "retention-article", Primary: []string{"retention"}}, {ID: "terms"}, {ID: "policy"}, {ID: "help"}}
	primary := primaries(v)
	for round := range 500 {
		current := randomStatements(r, r.IntN(40))
		mine := randomStatements(r, r.IntN(8))
		for i := range mine {
			mine[i].Evidence.Source = "mine"
		}
		others := map[key][]*terms.Observation{}
		for i := range current {
			if o := &current[i]; !o.Value.IsZero() {
				k := key{o.Tier, o.Attribute}
				others[k] = append(others[k], o)
			}
		}
		got := observed(v, primary, others, mine)
		want := Build(v, append(slices.Clone(current), mine...), nil).Values()
		if !maps.EqualFunc(got, want, func(a, b map[string]terms.Value) bool {
			return maps.EqualFunc(a, b, terms.Value.Equal)
		}) {
			t.Fatalf("round %d:\n got %v\nwant %v", round, got, want)
		}
	}
}
