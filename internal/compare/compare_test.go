package compare

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

var (
	fetched  = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	detected = time.Date(2026, 3, 2, 10, 5, 0, 0, time.UTC)
)

func vendor() terms.Vendor {
	v := terms.Vendor{ID: "acme"}
	for _, id := range []string{"consumer", "team", "enterprise", "api"} {
		v.Tiers = append(v.Tiers, terms.Tier{ID: id})
	}
	return v
}

func ob(tier, attr string, v terms.Value, clause, text string) terms.Observation {
	return terms.Observation{Vendor: "acme", Tier: tier, Attribute: attr, Value: v,
		Evidence: terms.Evidence{Source: "acme-terms", Clause: clause, Text: text}}
}

func ret(kv ...string) terms.Value {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return terms.MapOf(m)
}

func clauses(kv ...string) map[string]terms.Clause {
	m := map[string]terms.Clause{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = terms.Clause{Path: strings.Split(kv[i], " > "), Kind: terms.KindParagraph, Text: kv[i+1]}
	}
	return m
}

func input(prev, next []terms.Observation) Input {
	return Input{
		Vendor: vendor(),
		Source: terms.Source{ID: "acme-terms", Vendor: "acme"},
		Before: &terms.Snapshot{ID: 41, Source: "acme-terms"},
		After:  terms.Snapshot{ID: 42, Source: "acme-terms", FetchedAt: fetched},
		Prev:   prev, Next: next,
		Now: detected,
	}
}

// summary renders an event as "kind severity tier/attribute old -> new".
func summary(ev terms.Event) string {
	s := fmt.Sprintf("%s %s %s/%s", ev.Kind, ev.Severity, ev.Tier, ev.Attribute)
	if ev.Old != nil || ev.New != nil {
		var o, n terms.Value
		if ev.Old != nil {
			o = *ev.Old
		}
		if ev.New != nil {
			n = *ev.New
		}
		s += fmt.Sprintf(" %s -> %s", o, n)
	}
	return s
}

func summaries(evs []terms.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, summary(ev))
	}
	return out
}

const (
	useClause   = "Terms > Our use of your content"
	keepClause  = "Privacy > How long we keep data"
	trainOld    = "We do not use what you send us to improve our systems."
	trainNew    = "We use what you send us to improve our systems unless you switch this off in settings."
	keepText    = "We keep conversations for 30 days after you delete them."
	certClause  = "Trust > Certifications"
	baaClause   = "Health data > Business associate agreements"
	rightClause = "Your choices"
)

func TestEventsValues(t *testing.T) {
	tests := []struct {
		name       string
		prev, next []terms.Observation
		want       []string
	}{
		{"training never to opt-out is critical",
			[]terms.Observation{ob("consumer", "training", terms.Scalar("never"), useClause, trainOld)},
			[]terms.Observation{ob("consumer", "training", terms.Scalar("opt-out"), useClause, trainNew)},
			[]string{"value-changed critical consumer/training never -> opt-out"}},
		{"retention gaining training-opt-in is critical",
			[]terms.Observation{ob("consumer", "retention", ret("default", "30"), keepClause, keepText)},
			[]terms.Observation{ob("consumer", "retention", ret("default", "30", "training-opt-in", "1825"), keepClause, keepText+" If you let us train on them we keep them five years.")},
			[]string{"value-changed critical consumer/retention default=30 -> default=30, training-opt-in=1825"}},
		{"retention shortened is medium",
			[]terms.Observation{ob("api", "retention", ret("default", "30"), keepClause, keepText)},
			[]terms.Observation{ob("api", "retention", ret("default", "7"), keepClause, "We keep it a week.")},
			[]string{"value-changed medium api/retention default=30 -> default=7"}},
		{"BAA withdrawn is critical",
			[]terms.Observation{ob("enterprise", "hipaa-baa", terms.Scalar("available"), baaClause, "We sign BAAs.")},
			[]terms.Observation{ob("enterprise", "hipaa-baa", terms.Scalar("not-available"), baaClause, "We no longer sign BAAs.")},
			[]string{"value-changed critical enterprise/hipaa-baa available -> not-available"}},
		{"certification removed is critical",
			[]terms.Observation{ob("team", "security", terms.SetOf("soc2-type2", "iso27001"), certClause, "SOC 2 Type II and ISO 27001.")},
			[]terms.Observation{ob("team", "security", terms.SetOf("iso27001"), certClause, "ISO 27001.")},
			[]string{"value-changed critical team/security [iso27001 soc2-type2] -> [iso27001]"}},
		{"training narrowed is medium",
			[]terms.Observation{ob("consumer", "training", terms.Scalar("opt-out"), useClause, trainNew)},
			[]terms.Observation{ob("consumer", "training", terms.Scalar("never"), useClause, trainOld)},
			[]string{"value-changed medium consumer/training opt-out -> never"}},
		{"processor change is medium",
			[]terms.Observation{ob("api", "data-processor", terms.Scalar("vendor"), "DPA", "We process it.")},
			[]terms.Observation{ob("api", "data-processor", terms.Scalar("cloud-provider"), "DPA", "Your cloud processes it.")},
			[]string{"value-changed medium api/data-processor vendor -> cloud-provider"}},
		{"unknown after known is evidence-lost",
			[]terms.Observation{ob("consumer", "training", terms.Scalar("never"), useClause, trainOld)},
			[]terms.Observation{{Vendor: "acme", Tier: "consumer", Attribute: "training", Value: terms.UnknownValue("clause Our use of your content not found"),
				Evidence: terms.Evidence{Source: "acme-terms"}}},
			[]string{"evidence-lost high consumer/training never -> unknown"}},
		{"observation gone is evidence-lost",
			[]terms.Observation{ob("consumer", "rights", terms.SetOf("export"), rightClause, "You can export.")},
			nil,
			[]string{"evidence-lost high consumer/rights [export] -> unknown"}},
		{"known after unknown is evidence-found",
			[]terms.Observation{{Tier: "consumer", Attribute: "training", Value: terms.UnknownValue("not found")}},
			[]terms.Observation{ob("consumer", "training", terms.Scalar("never"), useClause, trainOld)},
			[]string{"evidence-found info consumer/training unknown -> never"}},
		{"unknown stays unknown",
			[]terms.Observation{{Tier: "consumer", Attribute: "training", Value: terms.UnknownValue("not found")}},
			[]terms.Observation{{Tier: "consumer", Attribute: "training", Value: terms.UnknownValue("still not found")}},
			nil},
		{"new cell in a later version is evidence-found",
			nil,
			[]terms.Observation{ob("consumer", "training", terms.Scalar("always"), useClause, trainNew)},
			[]string{"evidence-found info consumer/training  -> always"}},
		{"same value same text",
			[]terms.Observation{ob("consumer", "training", terms.Scalar("never"), useClause, trainOld)},
			[]terms.Observation{ob("consumer", "training", terms.Scalar("never"), useClause, trainOld)},
			nil},
		{"sorted by severity then tier then attribute",
			[]terms.Observation{
				ob("api", "training", terms.Scalar("opt-out"), useClause, trainNew),
				ob("team", "zdr", terms.Scalar("available"), "ZDR", "Offered."),
				ob("consumer", "rights", terms.SetOf("export"), rightClause, "Export."),
				ob("consumer", "training", terms.Scalar("never"), useClause, trainOld),
			},
			[]terms.Observation{
				ob("api", "training", terms.Scalar("never"), useClause, trainOld),
				ob("team", "zdr", terms.Scalar("not-available"), "ZDR", "Not offered."),
				ob("consumer", "training", terms.Scalar("always"), useClause, trainNew),
			},
			[]string{
				"value-changed critical consumer/training never -> always",
				"value-changed critical team/zdr available -> not-available",
				"evidence-lost high consumer/rights [export] -> unknown",
				"value-changed medium api/training opt-out -> never",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summaries(Events(input(tt.prev, tt.next)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventsFields(t *testing.T) {
	in := input(
		[]terms.Observation{ob("consumer", "training", terms.Scalar("never"), useClause, trainOld)},
		[]terms.Observation{ob("consumer", "training", terms.Scalar("opt-out"), useClause, trainNew)})
	evs := Events(in)
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1", len(evs))
	}
	never, optOut := terms.Scalar("never"), terms.Scalar("opt-out")
	want := terms.Event{
		Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "acme", Tier: "consumer", Attribute: "training",
		Old: &never, New: &optOut, Source: "acme-terms", SnapshotAt: fetched, DetectedAt: detected,
		Before: &terms.Side{Snapshot: 41, Clause: useClause, Text: trainOld},
		After:  &terms.Side{Snapshot: 42, Clause: useClause, Text: trainNew},
	}
	if diff := cmp.Diff(want, evs[0]); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}

	lost := input(in.Prev, []terms.Observation{{Tier: "consumer", Attribute: "training", Value: terms.UnknownValue("heading gone")}})
	evs = Events(lost)
	if len(evs) != 1 || evs[0].Detail != "heading gone" || evs[0].Before.Text != trainOld || evs[0].After.Snapshot != 42 {
		t.Errorf("evidence-lost event = %+v", evs)
	}
}

func TestEventsClauses(t *testing.T) {
	training := func(text string) []terms.Observation {
		return []terms.Observation{
			ob("team", "training", terms.Scalar("never"), useClause, text),
			ob("api", "training", terms.Scalar("never"), useClause, text),
		}
	}
	const reworded = "What you send us is never used to improve our systems."
	tests := []struct {
		name                     string
		prev, next               []terms.Observation
		prevClauses, nextClauses map[string]terms.Clause
		want                     []string
		wantDetail               []string
	}{
		{"reworded clause, same value: one clause-changed for both tiers",
			training(trainOld), training(reworded),
			clauses(useClause, trainOld), clauses(useClause, reworded),
			[]string{"clause-changed low team/training"},
			[]string{"training (team, api)"}},
		{"reworded evidence without clause maps",
			training(trainOld), training(reworded), nil, nil,
			[]string{"clause-changed low team/training"}, nil},
		{"rotating link and date format only: nothing",
			training(trainOld), training(trainOld),
			clauses(useClause, "Updated July 8, 2026. See https://example.test/redirect/website.v1.1111/settings?utm_source=a for choices."),
			clauses(useClause, "Updated 8 July 2026. See https://example.test/redirect/website.v1.2222/settings?utm_source=b for choices."),
			nil, nil},
		{"other clause reworded: document-changed",
			training(trainOld), training(trainOld),
			clauses(useClause, trainOld, "Footer > Contact", "Write to us by post.", "Old section", "Gone soon."),
			clauses(useClause, trainOld, "Footer > Contact", "Write to us by email.", "New section", "Hello."),
			[]string{"document-changed info /"},
			[]string{"1 reworded: Footer > Contact", "1 added: New section", "1 removed: Old section"}},
		{"other clause with rotating tracking id only: nothing",
			training(trainOld), training(trainOld),
			clauses(useClause, trainOld, "Footer", "Read the notice (https://example.test/notice?openaicom-did=aaa)."),
			clauses(useClause, trainOld, "Footer", "Read the notice (https://example.test/notice?openaicom-did=bbb)."),
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(tt.prev, tt.next)
			in.PrevClauses, in.NextClauses = tt.prevClauses, tt.nextClauses
			evs := Events(in)
			if diff := cmp.Diff(tt.want, summaries(evs)); diff != "" {
				t.Fatalf("Events (-want +got):\n%s", diff)
			}
			for _, w := range tt.wantDetail {
				if !strings.Contains(evs[0].Detail, w) {
					t.Errorf("detail %q does not contain %q", evs[0].Detail, w)
				}
			}
		})
	}

	// The clause-changed event carries both clause texts.
	in := input(training(trainOld), training(reworded))
	in.PrevClauses, in.NextClauses = clauses(useClause, trainOld), clauses(useClause, reworded)
	ev := Events(in)[0]
	if ev.Before.Text != trainOld || ev.After.Text != reworded || ev.Before.Clause != useClause || ev.Old != nil {
		t.Errorf("clause-changed sides = %+v / %+v", ev.Before, ev.After)
	}

	// First observation (no Before): no document-changed.
	in = input(nil, training(trainOld))
	in.Before = nil
	in.PrevClauses, in.NextClauses = nil, clauses(useClause, trainOld, "Other", "text")
	if evs := Events(in); len(evs) != 0 {
		t.Errorf("first observation: %v", summaries(evs))
	}
}

func TestEventsDrift(t *testing.T) {
	baseline := map[string]map[string]terms.Value{
		"consumer": {"training": terms.Scalar("opt-out"), "zdr": terms.Scalar("unspecified")},
	}
	obs := func(kv ...any) map[string]map[string]terms.Value {
		m := map[string]map[string]terms.Value{"consumer": {}}
		for i := 0; i+1 < len(kv); i += 2 {
			m["consumer"][kv[i].(string)] = kv[i+1].(terms.Value)
		}
		return m
	}
	always, never, optOut := terms.Scalar("always"), terms.Scalar("never"), terms.Scalar("opt-out")
	unknown := terms.UnknownValue("gone")
	tests := []struct {
		name          string
		before, after map[string]map[string]terms.Value
		baseline      map[string]map[string]terms.Value
		want          []string
	}{
		{"drift starts on first observation", nil, obs("training", always), baseline,
			[]string{"baseline-drift high consumer/training opt-out -> always"}},
		{"drift starts after agreeing", obs("training", optOut), obs("training", always), baseline,
			[]string{"baseline-drift high consumer/training opt-out -> always"}},
		{"drift unchanged: not raised again", obs("training", always), obs("training", always), baseline, nil},
		{"drift changes: raised again", obs("training", always), obs("training", never), baseline,
			[]string{"baseline-drift high consumer/training opt-out -> never"}},
		{"back to baseline: drift-resolved", obs("training", never), obs("training", optOut), baseline,
			[]string{"drift-resolved medium consumer/training opt-out -> opt-out"}},
		{"never for unspecified baseline", nil, obs("zdr", terms.Scalar("available")), baseline, nil},
		{"never for unknown observed", obs("training", optOut), obs("training", unknown), baseline, nil},
		{"no baseline cell", nil, obs("security", terms.SetOf("sso")), baseline, nil},
		{"nil baseline", nil, obs("training", always), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(nil, nil)
			in.Baseline, in.ObservedBefore, in.ObservedAfter = tt.baseline, tt.before, tt.after
			if diff := cmp.Diff(tt.want, summaries(Events(in))); diff != "" {
				t.Errorf("Events (-want +got):\n%s", diff)
			}
		})
	}

	// Drift carries this source's evidence when it has the cell.
	in := input(nil, []terms.Observation{ob("consumer", "training", always, useClause, trainNew)})
	in.Before = nil // first version of the source: no evidence-found
	in.Baseline, in.ObservedAfter = baseline, obs("training", always)
	evs := Events(in)
	if len(evs) != 1 || evs[0].After == nil || evs[0].After.Text != trainNew || evs[0].Source != "acme-terms" {
		t.Errorf("drift event = %+v", evs)
	}
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		kind, attr string
		old, new   terms.Value
		want       terms.Severity
	}{
		{terms.ValueChanged, "training", terms.Scalar("never"), terms.Scalar("opt-in"), terms.Critical},
		{terms.ValueChanged, "training", terms.Scalar("always"), terms.Scalar("opt-in"), terms.Medium},
		{terms.ValueChanged, "data-processor", terms.Scalar("vendor"), terms.Scalar("cloud-provider"), terms.Medium},
		{terms.ValueChanged, "retention", ret("files", "30"), ret("files", "until-deleted"), terms.Critical},
		{terms.ValueChanged, "retention", ret("default", "30", "batch", "29"), ret("default", "7", "batch", "60"), terms.Critical},
		{terms.ValueChanged, "output-ownership", terms.Scalar("customer"), terms.Scalar("vendor"), terms.Critical},
		{terms.EvidenceLost, "training", terms.Scalar("never"), terms.UnknownValue("x"), terms.High},
		{terms.BaselineDrift, "training", terms.Scalar("never"), terms.Scalar("never"), terms.High},
		{terms.ClauseChanged, "training", terms.Value{}, terms.Value{}, terms.Low},
		{terms.DocumentChanged, "", terms.Value{}, terms.Value{}, terms.Info},
		{terms.VariantChanged, "", terms.Value{}, terms.Value{}, terms.Info},
		{terms.RuleChanged, "training", terms.Scalar("never"), terms.Scalar("always"), terms.Info},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %s->%s", tt.kind, tt.attr, tt.old, tt.new), func(t *testing.T) {
			if got := Severity(tt.kind, tt.attr, tt.old, tt.new); got != tt.want {
				t.Errorf("Severity = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		name  string
		a, b  string
		equal bool
	}{
		{"rotating redirect prefix",
			"Manage it in your settings (https://app.example.test/redirect/website.v1.6e5618b4-0000-4000-8000-000000000001/settings/data).",
			"Manage it in your settings (https://app.example.test/redirect/website.v1.0f0f0f0f-1111-4111-8111-000000000002/settings/data).", true},
		{"relative redirect prefix", "See /redirect/website.v1.abc/settings now", "See /redirect/website.v1.def/settings now", true},
		{"tracking parameter", "Read the policy https://example.test/policies?openaicom-did=123e4567 today.",
			"Read the policy https://example.test/policies?openaicom-did=89ab0000 today.", true},
		{"utm parameters", "Help: https://example.test/help?utm_source=web&utm_medium=footer", "Help: https://example.test/help?utm_campaign=x", true},
		{"markdown link target", "Read [our notice](https://example.test/a?x=1).", "Read [our notice](https://example.test/b).", true},
		{"link removed keeps punctuation", "Visit https://example.test/a. Then stop.", "Visit https://example.test/b. Then stop.", true},
		{"date month first vs day first", "Effective July 8, 2026.", "Effective 8 July 2026.", true},
		{"abbreviated month and ordinal", "Updated Sept. 3rd, 2025", "Updated 3 September 2025", true},
		{"ISO date", "Effective 2026-07-08.", "Effective July 8, 2026.", true},
		{"curly quotes", "the \u201cServices\u201d we don\u2019t sell", "the \"Services\" we don't sell", true},
		{"whitespace and nbsp", "thirty\u00a0days  from\n deletion", "thirty days from deletion", true},
		{"zero-width space", "opt\u200b-out", "opt-out", true},
		{"en dash", "30\u201360 days", "30-60 days", true},
		{"real wording change", "We do not use your content to train models.", "We use your content to train models.", false},
		{"number change", "We keep it for 30 days.", "We keep it for 29 days.", false},
		{"different date", "Effective July 8, 2026.", "Effective 9 July 2026.", false},
		{"text around a link changed", "See https://example.test/a for details.", "See https://example.test/a for exceptions.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca, cb := Canonical(tt.a), Canonical(tt.b)
			if (ca == cb) != tt.equal {
				t.Errorf("Canonical:\n  %q\n  %q\nequal = %v, want %v", ca, cb, ca == cb, tt.equal)
			}
		})
	}
	if got, want := Canonical("Effective July 8, 2026 (see https://x.test/y)."), "Effective 2026-07-08 (see)."; got != want {
		t.Errorf("Canonical = %q, want %q", got, want)
	}
	if got := Canonical("Not a date: May 42, 2026"); got != "Not a date: May 42, 2026" {
		t.Errorf("Canonical changed an impossible date: %q", got)
	}
}

// TestCanonicalCorpus runs Canonical over the real page texts: it must be
// idempotent and leave no link targets.
func TestCanonicalCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "text")
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	if len(files) == 0 {
		t.Skip("no real page texts in ../shared/corpus/text (a fresh clone has none)")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c := Canonical(string(data))
			if again := Canonical(c); again != c {
				t.Errorf("Canonical is not idempotent on %s", f)
			}
			if strings.Contains(c, "https://") || strings.Contains(c, "utm_") {
				t.Errorf("Canonical left a link target in %s", f)
			}
		})
	}
}

func TestBuildMergeRule(t *testing.T) {
	o := func(tier, attr string, v terms.Value) terms.Observation {
		return terms.Observation{Tier: tier, Attribute: attr, Value: v}
	}
	tests := []struct {
		name string
		obs  []terms.Observation
		want terms.Value // of consumer/<attr of first obs>
	}{
		{"known beats unknown", []terms.Observation{o("consumer", "training", terms.UnknownValue("x")), o("consumer", "training", terms.Scalar("never"))}, terms.Scalar("never")},
		{"known beats later unknown", []terms.Observation{o("consumer", "training", terms.Scalar("never")), o("consumer", "training", terms.UnknownValue("x"))}, terms.Scalar("never")},
		{"all unknown", []terms.Observation{o("consumer", "training", terms.UnknownValue("x")), o("consumer", "training", terms.UnknownValue("y"))}, terms.UnknownValue("x")},
		{"weaker scalar wins", []terms.Observation{o("consumer", "training", terms.Scalar("opt-out")), o("consumer", "training", terms.Scalar("opt-in"))}, terms.Scalar("opt-out")},
		{"weaker scalar wins either order", []terms.Observation{o("consumer", "hipaa-baa", terms.Scalar("available")), o("consumer", "hipaa-baa", terms.Scalar("not-available"))}, terms.Scalar("not-available")},
		{"ownership to vendor wins", []terms.Observation{o("consumer", "output-ownership", terms.Scalar("vendor")), o("consumer", "output-ownership", terms.Scalar("customer"))}, terms.Scalar("vendor")},
		{"unspecified loses", []terms.Observation{o("consumer", "zdr", terms.Scalar("unspecified")), o("consumer", "zdr", terms.Scalar("available"))}, terms.Scalar("available")},
		{"incomparable scalars are order-independent", []terms.Observation{o("consumer", "data-processor", terms.Scalar("vendor")), o("consumer", "data-processor", terms.Scalar("cloud-provider"))}, terms.Scalar("cloud-provider")},
		{"retention merged by scope, longest wins", []terms.Observation{
			o("consumer", "retention", ret("default", "30", "after-deletion", "30")),
			o("consumer", "retention", ret("default", "90", "training-opt-in", "1825")),
			o("consumer", "retention", ret("after-deletion", "until-deleted")),
		}, ret("default", "90", "after-deletion", "until-deleted", "training-opt-in", "1825")},
		{"configurable loses to a period", []terms.Observation{o("consumer", "retention", ret("default", "configurable")), o("consumer", "retention", ret("default", "30"))}, ret("default", "30")},
		{"sets united", []terms.Observation{o("consumer", "security", terms.SetOf("sso", "scim")), o("consumer", "security", terms.SetOf("rbac", "sso"))}, terms.SetOf("rbac", "scim", "sso")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := Build(vendor(), tt.obs, nil).Value("consumer", tt.obs[0].Attribute)
			if !got.Equal(tt.want) || got.Reason != tt.want.Reason {
				t.Errorf("Build = %s (%q), want %s", got, got.Reason, tt.want)
			}
		})
	}
	in := ret("default", "30")
	m := Build(vendor(), []terms.Observation{o("team", "retention", in), o("team", "retention", ret("batch", "29"))}, nil)
	if len(in.Map) != 1 {
		t.Errorf("Build modified its input: %v", in.Map)
	}
	if got := Build(vendor(), nil, nil).Values(); got == nil || len(got) != 0 {
		t.Errorf("Build(nil).Values() = %v", got)
	}
	if got, _ := m.Value("team", "retention"); !got.Equal(ret("default", "30", "batch", "29")) {
		t.Errorf("Build = %s", got)
	}
}
