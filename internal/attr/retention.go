package attr

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
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
	{ScopeSafetyScores, regexp.MustCompile(`(?i)\b(classifier|classification|safety|trust (and|&) safety|abuse[- ]detection|risk)\s+scores?\b|\bscores\b`)},
	{ScopeBatch, regexp.MustCompile(`(?i)\bbatch(es)?\b`)},
	{ScopeFiles, regexp.MustCompile(`(?i)\bfiles api\b|/v1/files\b|\bfiles? (you |customers? |users? )?upload(s|ed)?\b|\buploaded files\b|\bfiles? uploaded\b|\b(submitted|uploaded|used) (to|for) fine-?tun(e|ing)\b|\bfine-?tuning (data|files?|datasets?)\b`)},
	{ScopeZDR, regexp.MustCompile(`(?i)\bzero[- ]data[- ]retention\b|\bzdr\b|\bzero[- ]retention\b`)},
	{ScopeFeedback, regexp.MustCompile(`(?i)\bfeedback\b|\bthumbs\b|\bbug reports?\b|\breport(s|ed|ing)? (a |the |an? )?(bugs?|issues?|problems?)\b|\brat(e|es|ed|ing)\s+(an?\s+|the\s+)?(answer|response|output|reply|message)s?\b|\byour ratings?\b`)},
	{ScopePolicyViolation, regexp.MustCompile(`(?i)\bflagged\b|\bviolat\w*|\busage polic\w*|\bacceptable use\b|\baup\b|\bsafety review\b|\bmisuse\b`)},
	{ScopeAfterDeletion, afterDeletionRe},
}

var (
	// afterDeletionRe is the deletion a period runs from: data someone
	// deleted ("deleted chats", "once deleted", "after you delete", "within
	// 30 days of deletion"), or the end of the account or agreement ("after
	// Customer deletes its account", "upon termination of the Agreement").
	// The vendor's own deleting ("inputs are deleted after 30 days", "30
	// days before deletion") is the period itself, not its start.
	afterDeletionRe = regexp.MustCompile(`(?i)\bdeleted (\w+ ){0,2}(conversations?|chats?|data|content|messages?|items?|files?|accounts?|sessions?|projects?|history|information|inputs?|outputs?|prompts?)\b` +
		`|\bonce (it is |they are |an? \w+ is |you have |you've )?deleted\b` +
		`|\b(after|once|when|whenever|if|where) (you|users?|customers?|members?|owners?|admins?|administrators?|an? (admin\w*|owner|member|user|customer)|the (customer|user|admin\w*|owner|member)|they) (\w+ ){0,2}(delete|deletes|deleted|remove|removes|removed|erase|erases|erased|close|closes|closed)\b` +
		`|\b(you|users?|customers?|admins?|administrators?|owners?|members?)\s+(also\s+|always\s+)?(can|may|are able to|is able to|choose to|chooses to|decide to|decides to|elect to)\s+(\w+\s+)?(delete|remove|erase)\b` +
		`|\b(you|users?|customers?|admins?|administrators?|owners?|members?) (have|has|get|gets) (the )?(control|ability|option|right|choice) to (delete|remove|erase)\b|\b(of|after|following|upon|on|since|from) (the |a |its |their |your )?(account |chat |conversation |data |content )?(deletion|removal|erasure)\b|\b(chats?|conversations?|data|content|messages?|files?|items?|projects?|sessions?) (that |which )?(you|users?|customers?|members?|admins?|administrators?|owners?) (also |later |manually |choose to |decide to )?(delete|remove|erase)\b` +
		`|\bdeletion (of (your|the|an?|its) (account|conversation|chat|data|content)|requests?)\b|\brequest(s|ed|ing)? (the )?(deletion|erasure|removal)\b|\b(of|after|following|upon|on) (the )?(termination|expiration|expiry)\b` +
		`|\b(after|following|upon|on|from) (the )?(termination|expiration|expiry|closure|cancell?ation|end) of (this |the |your |its |their )?(customer'?s? |user'?s? )?(agreement|contract|account|subscription|terms|services?|dpa|addendum|access)\b` +
		`|\b(agreement|contract|account|subscription)s? (terminates|ends|expires|is (terminated|closed|deleted|cancell?ed))\b` +
		`|\bremoved from (your|the) (chat|conversation) history\b` +
		`|\b(deleting|removing|erasing) (your|their) \w+` +
		`|\b(after|following|upon|on) (requesting |a request for )?(the |a |your |its )?account (closure|deletion|cancell?ation|termination)\b`)

	// trainingOffRe is a context where the customer has not allowed
	// training: the default retention applies.
	trainingOffRe = regexp.MustCompile(`(?i)\b(choose|chooses|chosen|decide|decides|decided|elect|elects)\s+not\s+to\b|\b(do|does|did|have|has)\s+not\s+(allow|permit|consent|opt|share|participate|let|agree|switch|turn|enable)\b|\bdon't\s+(allow|opt|share|let|agree|switch|turn|enable)\b|\bopt(s|ed|ing)?[- ]?out\b|\b(turn|switch)(s|ed)?\s+(it\s+|this\s+|the\s+\w+(\s+\w+)?\s+)?off\b|\bnot\s+(allow|participat|used|shared)\w*|\bdisabl\w*|\b(is|are) off\b`)
	// trainingConsentRe and the Lexicon's training word together make a
	// training-opt-in context: consent to training.
	trainingConsentRe = regexp.MustCompile(`(?i)\ballow\w*|\bopt(s|ed|ing)?[- ]?in\b|\bparticipat\w*|\bconsent\w*|\bsharing is (enabled|on)\b|\bchoose to (provide|share)\b|\bif you share\b|\blets? us\b|\bagree\w*\s+to\b|\b(switch|turn)(s|ed|ing)?\s+on\b|\benabl(e|es|ed|ing)\b|\byou (have )?(shared?|provided?|submit\w*|contribute\w*)\b|\btraining (data|datasets?|sets?|corpus|corpora)\b`)
	deidentifiedRe    = regexp.MustCompile(`(?i)\bde-?identified\b[^.]{0,80}\btrain|\btrain\w*[^.]{0,80}\bde-?identified\b`)

	// Periods that are not a number of days. accountLifetimeRe is tried
	// before untilDeletedRe ("until your account is deleted").
	accountLifetimeRe = regexp.MustCompile(`(?i)\bthe (life|lifetime|duration) of (your|the|their|its) ([\w-]+ ){0,2}(account|subscription|workspace)\b|\b(for )?as long as (your|the|their|its) ([\w-]+ ){0,3}(account|subscription|workspace|organi[sz]ation)s? (is|remains|stays|exists|is kept)( open| active| in place)?\b|\bas long as (your|the|their) (account|subscription|workspace)\b|\bwhile (your|the|their|its) ([\w-]+ ){0,3}(account|subscription|workspace)s? (is|are|remains?|stays?) (open|active|in place|in good standing)\b|\buntil (you close (your|the) ([\w-]+ )?account|(your|the) ([\w-]+ )?account is (closed|deleted|terminated))\b|\b(for|during) the account'?s (active )?(life|status|lifetime)\b|\bfor the duration of the account\b`)
	untilDeletedRe    = regexp.MustCompile(`(?i)\buntil\s+(you|the customer|customer|the user|customers?|users?|the developer|developers?|an? \w+|the \w+|your \w+|they|someone)?\s*(explicitly\s+|manually\s+|choose to\s+|chooses to\s+|decide to\s+)?(delete|deletes|remove|removes|erase|erases)\b|\buntil\s+(it is |they are |explicitly |manually )*(deleted|removed|erased)\b|\buntil\s+(explicit\s+)?deletion\b|\b(for )?as long as you (choose to |decide to |want to |wish to |like to )?(keep|retain|need) (it|them|your \w+|the \w+)\b|\buntil you do\b`)
	configurableRe    = regexp.MustCompile(`(?i)\bretention (policy|policies|period|periods|settings?) (that )?(your|the|an?|its) (admin\w*|organi[sz]ation|owner)s? (sets?|chooses?|configures?|defines?)\b|\bas configured by\b|\bconfigured by (your|an?|the) (admin\w*|organi[sz]ation|owner)\b|\bcustom retention\b|\bconfigurable\b|\b(admins?|administrators?|owners?|you|customers?|organi[sz]ations?)\s+(can\s+|may\s+)?(configure|set|control|choose|customi[sz]e|manage|define|decide|determine)\s+(the\s+|your\s+|their\s+|its\s+|a\s+|custom\s+)*(data\s+)?retention\b|\b(configure|set)\s+(the\s+|your\s+)?(data\s+)?retention\b|\b(you|admins?|administrators?|owners?|customers?|organi[sz]ations?|users?|members?)\s+(\w+\s+){0,2}(control|controls|choose|chooses|decide|decides|set|sets|determine|determines|configure|configures|manage|manages)\s+(over\s+)?how long\b|\bfollows? (your|the) organi[sz]ation'?s (data )?retention\b|\b(retention )?(periods?|windows?|durations?)\W{0,3}(is |are )?(set|configured|controlled|chosen|determined|defined) by\b|\bretention\W{0,3}(is |are )?(set|configured|controlled|chosen|determined|defined) by\b|\bhow long\b[^.;]{0,80}\b(is|are)\s+(up to|decided by|set by|determined by|controlled by|chosen by)\s+(your|the|its|their|an?)\b|^\W*(set|configured|chosen|controlled) by (your|the|an?) (admin\w*|owners?|organi[sz]ation)`)
	noneRe            = regexp.MustCompile(`(?i)\b(is|are|be|gets?)\s+(not|never)\s+(stored|retained|logged|kept|persisted|saved|written)\b|\bnot (stored|retained|logged|persisted)\b|\bnever (stored|retained|written|logged|persisted|kept)\b|\bno (logging|storage|retention|persistent storage)\b|\b(do|does|will)\s+not\s+(store|retain|log|keep|persist)\b|\b(don't|doesn't|won't)\s+(store|retain|log|keep)\b|\b(immediately|promptly) discarded\b|\bnot written to (durable|persistent|disk|storage)\b|\bconfigured for zero[- ]data[- ]retention\b|\b(set|enabled?)\s+(to|with|for)\s+zero[- ]data[- ]retention\b|^\W*zero[- ]data[- ]retention\W*$|\bzero[- ](data[- ])?retention is the default\b` +
		`|\bdiscard(s|ed|ing)?\b[^.;]{0,80}?\b(once|as soon as|immediately|right after|after (the|a|each) (response|request|answer|reply|call))\b|\bkeeps? no (copy|copies|record|records|trace)\b|\b(keep|keeps|retain|retains|store|stores|hold|holds|save|saves|log|logs)\s+(none|nothing)\b|\bnone of (them|it|those|these|your [\w ]{1,30}?|the [\w ]{1,30}?) (is|are|gets?) (ever )?(kept|stored|retained|logged|saved|persisted)\b|\bno (copy|copies|record|trace) (of [^.;]{0,60})?(is|are) (kept|retained|stored)\b|\bnothing ([\w' ]{0,30})(is|gets) (kept|stored|retained|saved)\b|\b(kept|stored|retained|held) (beyond|past|longer than) (the time|the request|the response|the session|what it takes)\b|\boutlives? the (request|response|session|call)\b|\b(only )?in memory only\b|\bonly in memory\b|\bnothing is written to (disk|storage)\b|\bneither\b[^.;]{0,80}\bnor\b[^.;]{0,60}\b(is|are)\s+(ever\s+)?(stored|retained|logged|kept|saved|persisted)\b|\b(retained|stored|kept|held|logged) only (for|during) the (duration|length|life|lifetime) of (the|each|a|your) (request|session|call|api call|connection)\b|\bno ([\w-]+ ){0,4}(data|content|prompts?|inputs?|outputs?|requests?|responses?|completions?) (is|are|gets?) (ever )?(written|stored|retained|logged|kept|persisted|saved)\b`)
)

// newTrainingWordPattern finds talk of training in a retention context,
// improving the vendor's products among it ("improve Claude"), and model
// improvement as a setting.
func newTrainingWordPattern(lex *Lexicon) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\btrain\w*|\bimprov(e|ing)\s+(our models\b|the models?\b|` + lex.products.String() + `)|\bmodel (improvement|training|development)\b`)
}

// fact is one retention period found in a sentence.
type fact struct {
	period     string
	start, end int
	duration   bool // a number of days, not a period word
}

// periodFacts returns the retention periods stated in s, in order: every
// duration and every period word (none, until-deleted, account-lifetime,
// configurable) that does not overlap a duration.
func periodFacts(s string) []fact {
	var fs []fact
	for _, d := range findDurations(s) {
		fs = append(fs, fact{strconv.Itoa(d.days), d.start, d.end, true})
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
				fs = append(fs, fact{p.period, m[0], m[1], false})
			}
		}
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].start < fs[j].start })
	return fs
}

// scopeIn returns the scope named by one context, and whether it names one.
func scopeIn(lex *Lexicon, ctx string) (string, bool) {
	ctx = monitoringRe.ReplaceAllString(ctx, " ")
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

// monitoringRe is the purpose of watching all traffic for misuse ("kept
// 30 days to detect misuse"): the default retention, not that of content
// flagged as a violation.
var monitoringRe = regexp.MustCompile(`(?i)\b(detect|detecting|prevent|preventing|monitor|monitoring|identify|identifying|combat|combating)\s+(and\s+\w+\s+)?(misuse|abuse)\b`)

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

// statement is one retention period a sentence states, with its scope.
type statement struct {
	scope, period string
}

// readRetention reads how long a tier's data is kept, as a map scope →
// period. Periods are whole days ("30"; years count 365 days, months 30)
// or none, until-deleted, account-lifetime, configurable.
//
// A period counts only when its clause says that data is kept, stored,
// retained, logged, deleted, erased, purged, removed or held for or within
// it (see retentionClause): notice periods, ages, fees, response deadlines,
// cure periods, objection windows, contract terms and "effective 30 days
// after posting" state nothing, and neither do periods of data that is not
// the customer's content (invoices, account and contact details, cookies).
// A list item reads with its lead-in ("We keep your data longer in these
// cases:" + "flagged chats: up to 2 years"), a table row cell by cell
// ("Results retained: 29 days").
//
// Every period is tied to a scope by the words leading up to it, then by
// the rest of its clause (without the "except …"/"unless …" tail), then by
// the clauses before it in its sentence, then, for a table row, by the row
// header, and last by the clause's heading path: data someone deleted,
// or the end of the account or agreement → after-deletion; flagged,
// violations, usage policy → policy-violation; classifier scores →
// safety-scores; feedback; batch; Files API → files; zero data
// retention/ZDR → zdr; consent to training or de-identified training data
// → training-opt-in; otherwise default. The first period read for a scope
// wins. No period at all reads as unknown.
func readRetention(lex *Lexicon, sents []sentence) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue("no clauses to read retention from")}
	}
	m := map[string]string{}
	var r Reading
	var lastRow *terms.Clause
	for i, u := range sents {
		var sts []statement
		quote := u.withLeadIn()
		if u.clause.Kind == terms.KindTableRow {
			// A row is read once, cell by cell, whatever its sentences. (The
			// sentences of a row share its text: comparing it is cheap.)
			if lastRow != nil && u.clause.Text == lastRow.Text && slices.Equal(u.clause.Path, lastRow.Path) {
				continue
			}
			lastRow = &u.clause
			sts = rowStatements(lex, u)
			quote = strings.TrimSpace(u.clause.Text)
		} else {
			prev := ""
			if i > 0 && sameClause(sents[i-1], u) {
				prev = sents[i-1].norm
			}
			sts = sentenceStatements(lex, u, prev)
			if prev != "" && continuesRe.MatchString(u.norm) {
				quote = sents[i-1].text + " " + quote // the sentence it carries on
			}
		}
		used := false
		for _, st := range sts {
			if _, ok := m[st.scope]; ok {
				continue
			}
			m[st.scope] = st.period
			used = true
		}
		if used {
			if len(r.Sentences) == 0 {
				r.Clause = u.clause
			}
			r.Sentences = append(r.Sentences, quote)
		}
	}
	if len(m) == 0 {
		return Reading{Value: terms.UnknownValue("no retention period stated")}
	}
	r.Value = terms.MapOf(m)
	return r
}

// continuesRe opens a sentence that carries on the one before it
// ("Instead, they are kept for 3 years."): its period's scope may be named
// there.
var continuesRe = regexp.MustCompile(`(?i)^\W*(instead|rather|in that case|in this case|in such cases?)\b`)

// sentenceStatements reads the periods of one sentence (a list item with
// its lead-in); prev is the sentence before it in its paragraph ("" when
// none), the context of a period in a sentence that continues it.
func sentenceStatements(lex *Lexicon, u sentence, prev string) []statement {
	text, itemAt := u.norm, 0
	lead := ""
	if u.leadIn != "" {
		lead = normalize(u.leadIn)
		text, itemAt = lead+" "+u.norm, len(lead)+1
	}
	facts := periodFacts(text)
	if len(facts) > maxFacts {
		facts = facts[:maxFacts] // each fact is read against the others: bounded, so a sentence costs bounded time
	}
	if itemAt > 0 {
		// An item's own periods, with the lead-in as their context; an item
		// with none reads the lead-in's ("Within 30 days of termination we
		// will:" + "delete Customer Data").
		var own []fact
		for _, f := range facts {
			if f.start >= itemAt {
				own = append(own, f)
			}
		}
		if len(own) > 0 {
			facts = own
		}
	}
	if len(facts) == 0 {
		return nil
	}
	cl := splitRetentionClauses(text, facts)
	heading := normalize(u.clause.Heading())
	var out []statement
	for _, fi := range cl.keep(facts) {
		f := facts[fi]
		c := cl.clauses[cl.of[fi]]
		if !retentionClause(text, cl, cl.of[fi], f, lead != "" && f.start >= itemAt && c.start >= itemAt, lead) {
			continue
		}
		scope := scopeOf(lex, cl.contexts(text, facts, fi)...)
		if scope == ScopeDefault && prev != "" && continuesRe.MatchString(u.norm) {
			scope = scopeOf(lex, prev)
		}
		if scope == ScopeDefault {
			scope = scopeOf(lex, heading)
		}
		out = append(out, statement{fixScope(f, scope), f.period})
	}
	return out
}

// maxFacts is the most retention periods read in one sentence (real
// sentences state at most three or four); later ones are not read.
const maxFacts = 16

// fixScope keeps until-deleted and account-lifetime out of after-deletion:
// "kept until you delete it" is how long data lives, not a period after
// its deletion.
func fixScope(f fact, scope string) string {
	if (f.period == PeriodUntilDeleted || f.period == PeriodAccountLifetime) && scope == ScopeAfterDeletion {
		return ScopeDefault
	}
	return scope
}

// cellSepRe separates the cells of a table row: " | ", or "; " between
// "Header: value" cells.
var (
	cellSepRe     = regexp.MustCompile(`\s+\|\s+`)
	cellPartSepRe = regexp.MustCompile(`;\s+`)
)

// rowCells splits a normalized table row into its cells ("header: value"):
// at every " | ", and at a "; " that opens a piece with a header of its
// own.
func rowCells(row string) []string {
	var cells []string
	for _, c := range cellSepRe.Split(strings.Trim(row, "| "), -1) {
		n := len(cells)
		for _, p := range cellPartSepRe.Split(c, -1) {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if colon := strings.Index(p, ":"); len(cells) > n && (colon < 0 || colon > 60) {
				cells[len(cells)-1] += "; " + p
				continue
			}
			cells = append(cells, p)
		}
	}
	for i := 0; i < len(cells); i++ {
		if len(cells[i]) > maxSentence { // a cell is read like a sentence: in pieces of bounded length
			pieces := cutLong(cells[i])
			cells = slices.Insert(slices.Delete(cells, i, i+1), i, pieces...)
			i += len(pieces) - 1
		}
	}
	return cells
}

// retentionHeadingRe is a heading about how long data is kept.
var retentionHeadingRe = regexp.MustCompile(`(?i)\bretention\b|\bretain\w*|\bhow long\b|\bkept\b|\bstored?\b|\bdelet(ed|ion)\b`)

// rowStatements reads a table row cell by cell: a cell's period counts when
// the cell (its header or value), the table's lead-in or its heading says
// data is kept; the row header (first cell) names the scope when the cell
// does not.
func rowStatements(lex *Lexicon, u sentence) []statement {
	cells := rowCells(normalize(u.clause.Text))
	if len(cells) == 0 {
		return nil
	}
	lead := normalize(u.leadIn)
	heading := normalize(u.clause.Heading())
	row := strings.Join(cells, " | ")
	if retOtherDataRe.MatchString(row) && !retContentRe.MatchString(row) {
		return nil
	}
	var out []statement
	for ci, cell := range cells {
		facts := periodFacts(cell)
		if len(facts) == 0 {
			continue
		}
		if len(facts) > maxFacts {
			facts = facts[:maxFacts]
		}
		cl := splitRetentionClauses(cell, facts)
		for _, fi := range cl.keep(facts) {
			f := facts[fi]
			inCell := retentionClause(cell, cl, cl.of[fi], f, false, "")
			if !inCell {
				// The period's cell names no keeping; the table's frame may.
				if f.duration && disqualified(cell, cl.clauses[cl.of[fi]], f) {
					continue
				}
				if !(hasRetentionWord(lead) || retentionHeadingRe.MatchString(heading)) {
					continue
				}
			}
			ctxs := cl.contexts(cell, facts, fi)
			if ci > 0 {
				ctxs = append(ctxs, cells[0])
			}
			ctxs = append(ctxs, lead)
			scope := scopeOf(lex, ctxs...)
			if scope == ScopeDefault {
				scope = scopeOf(lex, heading)
			}
			out = append(out, statement{fixScope(f, scope), f.period})
		}
	}
	return out
}
