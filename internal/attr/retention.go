package attr

import (
	"regexp"
	"sort"
	"strconv"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Retention scopes of DESIGN.md.
const (
	ScopeDefault         = "default"
	ScopeTrainingOptIn   = "training-opt-in"
	ScopeAfterDeletion   = "after-deletion"
	ScopePolicyViolation = "policy-violation"
	ScopeSafetyScores    = "safety-scores"
	ScopeFeedback        = "feedback"
	ScopeBatch           = "batch"
	ScopeFiles           = "files"
	ScopeZDR             = "zdr"
)

// Retention periods other than a number of days.
const (
	PeriodNone            = "none"
	PeriodUntilDeleted    = "until-deleted"
	PeriodAccountLifetime = "account-lifetime"
	PeriodConfigurable    = "configurable"
)

// scopeRule ties context words to a scope. Rules are tried in order; the
// first whose pattern matches decides.
type scopeRule struct {
	scope string
	re    *regexp.Regexp
}

var scopeRules = []scopeRule{
	{ScopeSafetyScores, regexp.MustCompile(`(?i)\b(classifier|classification|safety|trust (and|&) safety)\s+scores?\b|\bscores\b`)},
	{ScopeZDR, regexp.MustCompile(`(?i)\bzero[- ]data[- ]retention\b|\bzdr\b|\bzero[- ]retention\b`)},
	{ScopeBatch, regexp.MustCompile(`(?i)\bbatch(es)?\b`)},
	{ScopeFiles, regexp.MustCompile(`(?i)\bfiles api\b|/v1/files\b|\bfiles? (you )?upload(ed)?\b|\buploaded files\b|\b(submitted|uploaded|used) (to|for) fine-?tun(e|ing)\b|\bfine-?tuning (data|files?|datasets?)\b`)},
	{ScopeFeedback, regexp.MustCompile(`(?i)\bfeedback\b|\bthumbs\b|\bbug reports?\b`)},
	{ScopePolicyViolation, regexp.MustCompile(`(?i)\bflagged\b|\bviolat\w*|\busage polic\w*|\bacceptable use\b|\baup\b|\bsafety review\b|\bmisuse\b`)},
	{ScopeAfterDeletion, regexp.MustCompile(`(?i)\bdeleted\b|\bdeletion\b|\b(you|users?|customers?|admins?|administrators?|owners?|members?)\s+(can\s+|may\s+|choose to\s+|decide to\s+)?delete\b|\bdelete (a|your|the|any) (conversation|chat|account|project|data|message)s?\b|\bremoved from (your|the) (chat|conversation) history\b`)},
}

var (
	// trainingOffRe is a context where the customer has not allowed
	// training: the default retention applies.
	trainingOffRe = regexp.MustCompile(`(?i)\b(choose|chooses|chosen|decide|decides|decided|elect|elects)\s+not\s+to\b|\b(do|does|did)\s+not\s+(allow|permit|consent|opt|share|participate|let)\b|\bdon't\s+(allow|opt|share|let)\b|\bopt(s|ed|ing)?[- ]?out\b|\bturn(s|ed)?\s+(it\s+|this\s+|the\s+\w+(\s+\w+)?\s+)?off\b|\bnot\s+(allow|participat)\w*`)
	// trainingConsentRe and the Lexicon's training word together make a
	// training-opt-in context: consent to training.
	trainingConsentRe = regexp.MustCompile(`(?i)\ballow\w*|\bopt(s|ed|ing)?[- ]?in\b|\bparticipat\w*|\bconsent\w*|\bsharing is (enabled|on)\b|\bchoose to (provide|share)\b|\bif you share\b`)
	deidentifiedRe    = regexp.MustCompile(`(?i)\bde-?identified\b[^.]{0,80}\btrain|\btrain\w*[^.]{0,80}\bde-?identified\b`)

	// Periods that are not a number of days. accountLifetimeRe is tried
	// before untilDeletedRe ("until your account is deleted").
	accountLifetimeRe = regexp.MustCompile(`(?i)\bthe (life|lifetime|duration) of (your|the|their|its) (account|subscription|workspace)\b|\bas long as (your|the|their) (account|subscription|workspace)\b|\bwhile (your|the) (account|subscription) (is|remains)\b|\buntil (you close (your|the) account|(your|the) account is (closed|deleted|terminated))\b|\b(for|during) the account'?s (active )?(life|status|lifetime)\b|\bfor the duration of the account\b`)
	untilDeletedRe    = regexp.MustCompile(`(?i)\buntil\s+(you|the customer|the user|customers?|users?|the developer|developers?|an? admin\w*)?\s*(explicitly\s+|manually\s+)?(delete|deletes|remove|removes)\b|\buntil\s+(it is |they are |explicitly |manually )*(deleted|removed)\b|\buntil\s+(explicit\s+)?deletion\b`)
	configurableRe    = regexp.MustCompile(`(?i)\bas configured by\b|\bconfigured by (your|an?|the) (admin\w*|organi[sz]ation|owner)\b|\bcustom retention\b|\bconfigurable\b|\b(admins?|administrators?|owners?|you|customers?|organi[sz]ations?)\s+(can\s+|may\s+)?(configure|set|control|choose|customi[sz]e|manage|define)\s+(the\s+|your\s+|their\s+|its\s+|a\s+|custom\s+)*(data\s+)?retention\b|\b(configure|set)\s+(the\s+|your\s+)?(data\s+)?retention\b|\bcontrol (over )?how long\b|\bfollows? (your|the) organi[sz]ation'?s (data )?retention\b|\bretention (periods?|windows?) (is|are) (set|configured|controlled|chosen) by\b`)
	noneRe            = regexp.MustCompile(`(?i)\b(is|are|be|gets?)\s+(not|never)\s+(stored|retained|logged|kept|persisted|saved|written)\b|\bnot (stored|retained|logged|persisted)\b|\bnever (stored|retained|written|logged|persisted)\b|\bno (logging|storage|retention|persistent storage)\b|\b(do|does|will)\s+not\s+(store|retain|log|keep|persist)\b|\b(don't|doesn't|won't)\s+(store|retain|log|keep)\b|\b(immediately|promptly) discarded\b|\bnot written to (durable|persistent)\b|\bconfigured for zero[- ]data[- ]retention\b|\b(set|enabled?)\s+(to|with|for)\s+zero[- ]data[- ]retention\b|^\W*zero[- ]data[- ]retention\W*$|\bzero[- ](data[- ])?retention is the default\b`)
)

// newTrainingWordPattern finds talk of training in a retention context,
// improving the vendor's products among it ("improve Claude").
func newTrainingWordPattern(lex *Lexicon) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\btrain\w*|\bimprov(e|ing)\s+(our models\b|the models?\b|` + lex.products.String() + `)`)
}

// fact is one retention period found in a sentence.
type fact struct {
	period     string
	start, end int
}

// periodFacts returns the retention periods stated in s, in order: every
// duration and every period word (none, until-deleted, account-lifetime,
// configurable) that does not overlap a duration.
func periodFacts(s string) []fact {
	var fs []fact
	for _, d := range findDurations(s) {
		fs = append(fs, fact{strconv.Itoa(d.days), d.start, d.end})
	}
	overlaps := func(a, b int) bool {
		for _, f := range fs {
			if a < f.end && f.start < b {
				return true
			}
		}
		return false
	}
	for _, p := range []struct {
		period string
		re     *regexp.Regexp
	}{
		{PeriodAccountLifetime, accountLifetimeRe},
		{PeriodUntilDeleted, untilDeletedRe},
		{PeriodConfigurable, configurableRe},
		{PeriodNone, noneRe},
	} {
		for _, m := range p.re.FindAllStringIndex(s, -1) {
			if !overlaps(m[0], m[1]) {
				fs = append(fs, fact{p.period, m[0], m[1]})
			}
		}
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].start < fs[j].start })
	return fs
}

// scopeIn returns the scope named by one context, and whether it names one.
func scopeIn(lex *Lexicon, ctx string) (string, bool) {
	for _, r := range scopeRules {
		if r.re.MatchString(ctx) {
			return r.scope, true
		}
	}
	if deidentifiedRe.MatchString(ctx) {
		return ScopeTrainingOptIn, true
	}
	if lex.trainWord.MatchString(ctx) || trainingConsentRe.MatchString(ctx) {
		if trainingOffRe.MatchString(ctx) {
			return ScopeDefault, true
		}
		if lex.trainWord.MatchString(ctx) && trainingConsentRe.MatchString(ctx) {
			return ScopeTrainingOptIn, true
		}
	}
	return "", false
}

// scopeOf ties a period to its scope: the first context, from the nearest
// (the words leading up to the period) to the farthest (the heading path),
// that names a scope decides; none names one: default.
func scopeOf(lex *Lexicon, contexts ...string) string {
	for _, c := range contexts {
		if s, ok := scopeIn(lex, c); ok {
			return s
		}
	}
	return ScopeDefault
}

// readRetention reads how long a tier's data is kept, as a map scope →
// period. Periods are whole days ("30"; years count 365 days, months 30)
// or none, until-deleted, account-lifetime, configurable.
//
// Every duration or period word of a sentence is tied to a scope by the
// words leading up to it, then by the rest of its sentence (without the
// "except …"/"unless …" tail), then, for a table row, by the whole row,
// then by the lead-in of its list and last by the clause's heading path:
// deleted/deletion → after-deletion; flagged, violations, usage policy →
// policy-violation; classifier scores → safety-scores; feedback; batch;
// Files API → files; zero data retention/ZDR → zdr; consent to training or
// de-identified training data → training-opt-in; otherwise default. The
// first period read for a scope wins. No period at all reads as unknown.
func readRetention(lex *Lexicon, sents []sentence) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue("no clauses to read retention from")}
	}
	m := map[string]string{}
	var r Reading
	for _, u := range sents {
		s := u.norm
		fs := periodFacts(s)
		if len(fs) == 0 {
			continue
		}
		prefix := s[:fs[0].start]
		suffix := clauseEnd(beforeException(s[fs[len(fs)-1].end:]))
		row := ""
		if u.clause.Kind == terms.KindTableRow {
			row = normalize(u.clause.Text)
		}
		leadIn, heading := normalize(u.leadIn), normalize(u.clause.Heading())
		used := false
		prevEnd := 0
		for _, f := range fs {
			// The words leading up to the period; a period word itself is left
			// out ("kept until you delete it" is no period after deletion).
			local := s[prevEnd:f.end]
			if f.period == PeriodUntilDeleted || f.period == PeriodAccountLifetime {
				local = s[prevEnd:f.start]
			}
			prevEnd = f.end
			scope := scopeOf(lex, local, prefix+" "+suffix, row, leadIn, heading)
			if (f.period == PeriodUntilDeleted || f.period == PeriodAccountLifetime) && scope == ScopeAfterDeletion {
				scope = ScopeDefault
			}
			if _, ok := m[scope]; ok {
				continue
			}
			m[scope] = f.period
			used = true
		}
		if used {
			if len(r.Sentences) == 0 {
				r.Clause = u.clause
			}
			r.Sentences = append(r.Sentences, u.withLeadIn())
		}
	}
	if len(m) == 0 {
		return Reading{Value: terms.UnknownValue("no retention period stated")}
	}
	r.Value = terms.MapOf(m)
	return r
}
