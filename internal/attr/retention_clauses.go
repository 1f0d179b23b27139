package attr

import (
	"strings"

	regexp "github.com/clausewatch/clausewatch/internal/wordre"
)

// This file decides whether a period a sentence holds is a retention
// period: whether the clause it sits in says that data is kept, stored,
// deleted … for or within it, and not that something else (a notice, an
// age, a payment, a response, an objection) runs for it.

var (
	// retStrongRe is a word that by itself says data is kept or removed.
	retStrongRe = regexp.MustCompile(`\b(keep|keeps|keeping|kept|store|stores|stored|storing|storage|retain|retains|retained|retaining|retention|log|logs|logged|logging|delete|deletes|deleted|deleting|deletion|erase|erases|erased|erasing|erasure|purge|purges|purged|purging|remove|removes|removed|removing|removal|hold|holds|held|holding|discard|discards|discarded|discarding|destroy|destroys|destroyed|destruction|dispose|disposed|disposal|wipe|wipes|wiped|persist|persists|persisted|save|saves|saved|archive|archives|archived|auto-?delete[sd]?|outlives?|ttl)\b|\bleaves? (our|the) (systems?|servers?|back-?end|storage)\b`)
	// retNotRetentionRe are uses of those words that say nothing of data
	// being kept ("keep in mind", "hold harmless", "log in", "retain
	// counsel", the name "zero data retention").
	retNotRetentionRe = regexp.MustCompile(`\bkeep (in mind|track|up)\b|\bkeep (your |the )?(account|password|credentials|api keys?)( \w+)? (secure|safe|confidential)\b|\bhold(s|ing)? (\w+ )?harmless\b|\bheld (liable|responsible)\b|\blog(s|ged|ging)? (in|into|on|out)\b|\b(app|play) store\b|\bretain(s|ed)? (an amount|any amount|counsel|the right|ownership|all (right|title)|its rights|rights|title)\b|\bzero[- ](data[- ])?retention\b|\bsave (money|time)\b|\bremov(e|es|ed|ing) (apps?|the app|an app)\b|\bstorage (bucket|account)s? in your own\b|\bsave (for|where|as)\b|\bstorage (quota|space|limit|capacity|plan)s?\b|\b(sufficient|additional|more|extra|enough|free) storage\b|\bremains? in (full )?(force|effect)\b|\bremain (in )?(full force|effect)\b`)
	// retWeakRe is a word that says data is kept only when data is what it
	// speaks of ("results remain available", "files expire").
	retWeakRe = regexp.MustCompile(`\b(expire|expires|expired|available|accessible|downloadable|download|remain|remains|remained|stay|stays|stayed|maintain|maintains|maintained)\b`)
	// retDataRe names data.
	retDataRe = regexp.MustCompile(`\b(inputs?|outputs?|prompts?|completions?|conversations?|chats?|messages?|content|data|information|history|results?|files?|uploads?|sessions?|transcripts?|records?|logs?|submissions?|queries|projects?|documents?|materials|artifacts?|memor(y|ies))\b`)
	// retPlaceRe is where kept data sits ("on our servers").
	retPlaceRe = regexp.MustCompile(`\b(on|in|from) (our|the vendor's|its) (servers?|systems?|back-?end|storage|databases?|infrastructure)\b|\b(in|on) (your|the user's|their) (account|history|workspace)\b`)
	// retLastRe is "last" as a verb of duration, right before the period
	// ("inputs last 30 days").
	retLastRe = regexp.MustCompile(`\blasts?\s+(for\s+)?(up to\s+|about\s+|around\s+)?$`)

	// retOtherDataRe names data that is not the customer's content, whose
	// periods are not the tier's retention (invoices, account and contact
	// details, cookies, support requests, audit feeds).
	retOtherDataRe = regexp.MustCompile(`\b(invoices?|billing|payments?|tax(es)?|account data|contact (data|details|information)|civil identity|identity data|leads (identity|data|information)|contracts|commercial licen[cs]es?|correspondence|support (data|tickets?|requests?)|technical support|privacy requests?|requests? to exercise|cookies?|activity feed|audit logs?|passwords?|api keys?|credentials?|phone numbers?|email address(es)?|bank account\w*|authori[sz]ations?|mandates?)\b`)
	// retOtherModeRe names what keeps data apart from the tier's own
	// retention: a temporary or incognito mode, a data-switching window, a
	// cache of schemas, one class of models with a rule of its own ("covered
	// models require 30-day retention": no period of the tier's own; the
	// vocabulary has no scope for it), and storage on the customer's side.
	retOtherModeRe = regexp.MustCompile(`\btemporary chats?\b|\bincognito\b|\b(data )?switching\b|\b(transitional|retrieval) period\b|\bexported (your|the|its) data\b|\bstructured outputs?\b|\bcached data\b|\bschemas?\b|\b(covered|designated|certain|some|specific|[\w-]+-class) models?\b|\bclient-side\b|\bin your own (account|storage|bucket|infrastructure|environment|cloud)\b`)
	// retContentRe names the customer's content outright.
	retContentRe = regexp.MustCompile(`\b(inputs?|outputs?|prompts?|completions?|conversations?|chats?|messages?|customer content|sessions?|results|uploaded files|transcripts?)\b`)

	// retAfterNotRe is what follows a period that is not a retention
	// period: a notice ("30 days' notice"), an age ("18 years old"), a
	// deadline before an event ("30 days before the renewal"), a time
	// after a posting, a notice, an invoice or a purchase.
	retAfterNotRe = regexp.MustCompile(`^('s?|s')?\s*(of\s+)?((prior|advance|written|express)\s+)*(notice|notification)\b|^\s+in advance\b|^\s+(prior to|before)\s+(the\s+|any\s+|such\s+|its\s+|each\s+|your\s+|an?\s+)?(start|end|renewal|expir\w*|effective|update|updates|change|changes|discontinu\w*|last|next|date|termination|cancell?ation|billing|charge|it|they)\b|^\s*(after|from|following|of)\s+(the\s+(date\s+(of\s+)?)?)?([\w']+\s+){0,4}?(post\w*|notice|notif\w*|publish\w*|invoice\w*|purchase|receipt of (the |such |this |a |any )?(notice|invoice|objection)|receiving (the |such |this |a )?(notice|invoice)|delivery of|accept\w*|entering into|the dispute)\b|^\s+(in which )?to (retrieve|export|download|object|respond|reply|cancel|pay|notify|cure|dispute|request|exercise|withdraw|claim|appeal)\b`)
	// retBeforeNotRe is what comes a few words before a period that is not
	// a retention period: a notice, a payment, a refund, an objection, a
	// cure, a dispute, liability, an audit, an age, inactivity, a renewal.
	retBeforeNotRe = regexp.MustCompile(`\b(notice period of|notice of|at least every|once (in|per|every)|effective|payable|due|pay|paid|invoice\w*|refund\w*|cancel\w*|withdraw\w*|cure\w*|object|objects|objection\w*|respond|reply|acknowledge|notify|arbitrat\w*|disput\w*|liab\w*|warrant\w*|guarantee\w*|trial|audit\w*|inactive|age of|aged|younger than|renew\w*|term of|initial term|minimum (notice )?period of|extend (that|the|this) period by|inform you|give you|prices?|fees?|rates?)\b(\s+[\w'()-]+){0,4}\s*$|\bthe (last|past|previous|preceding|first|next)\s*$|\b(change|switch)\b[^.;]{0,80}\b(to|or)\b[^.;]{0,30}$`)

	// retVerbRe is a verb form that makes a clause a clause of its own; a
	// clause with none continues the one before it ("…, and the scores for
	// up to 7 years").
	retVerbRe = regexp.MustCompile(`\b(may|will|must|can|could|shall|should|would|is|are|was|were|be|been|being|has|have|had|do|does|did)\b`)
	// retModelsRe is a sentence's subject that is the models themselves
	// ("models do not store text like a database"): no retention of data.
	retModelsRe = regexp.MustCompile(`\bmodels?\s+$`)

	// retLogInRe is "not logged in", "do not log in": signing in, not a
	// log kept.
	retLogInRe = regexp.MustCompile(`\blog(ged)? (in|into|on)\b`)

	// retOpeningRe is a condition that opens a sentence and frames all its
	// clauses ("If this Agreement terminates: (a) …; and (b) …"), or one
	// the clauses after a semicolon or colon go on from ("Deleting your
	// history does not remove reviewed chats: those are kept …"); an
	// opening before a semicolon that states a period of its own ("…
	// retained for 5 years; if you turn it off, for 30 days") frames
	// nothing.
	retOpeningRe = regexp.MustCompile(`^\W*(if|when|once|upon|after|where|following|on|deleting|removing|erasing)\b([^:;]{0,120}:|[^:;\d]{0,120};)`)

	// retAlternativeRe sets one period apart from the next as an
	// alternative.
	retAlternativeRe = regexp.MustCompile(`\bor\b|\botherwise\b|\binstead\b`)

	// retCustomerDutyRe is the customer's own duty to delete ("you must
	// delete our materials within 7 days"), not the service keeping data.
	retCustomerDutyRe = regexp.MustCompile(`\b(you|customers?|licensees?|developers?|users?)\s+(must|shall|will|agree to|agrees to|are required to|is required to)\s+(\([a-z]\)\s+)?(promptly\s+|immediately\s+|permanently\s+|also\s+)?(delete|destroy|erase|remove|purge|return)\b|\b(you|customers?|licensees?|developers?|users?)\s+(must|shall|will|agree to|agrees to)\s+\([a-z]\)[^.]{0,300}?\([a-z]\)\s+(promptly\s+|immediately\s+|permanently\s+|also\s+)?(delete|destroy|erase|remove|purge|return)\b`)

	// retEnumeratorRe opens an enumerated clause: "(a)", "(ii)".
	retEnumeratorRe = regexp.MustCompile(`\((?:[a-h]|i{1,3}|iv|vi{0,3}|ix|x)\)\s`)
)

// hasRetentionWord reports whether s says data is kept or removed.
func hasRetentionWord(s string) bool {
	if s == "" {
		return false
	}
	s = retNotRetentionRe.ReplaceAllString(s, " ")
	return retStrongRe.MatchString(s) || retWeakRe.MatchString(s) && (retDataRe.MatchString(s) || retPlaceRe.MatchString(s))
}

// retClause is one clause of a sentence: [start, end) and the group
// (stretch between stops and contrasts) it belongs to.
type retClause struct {
	start, end, group int
}

// retClauses are the clauses of a sentence and the clause of each fact.
type retClauses struct {
	clauses []retClause
	groups  [][2]int
	of      []int // fact index → clause index
}

// splitRetentionClauses splits text into clauses at stops, contrasts,
// coordinated clauses (", and") and enumerators ("(a)"), never inside a
// period and never at a contrast word that opens the sentence ("While your
// account is active, …"). Stops and contrasts also start a new group.
func splitRetentionClauses(text string, facts []fact) retClauses {
	cl := clausesAt(text, retentionBreaks(text, facts))
	cl.of = factClauses(cl.clauses, facts)
	return cl
}

// retBreak is one break between clauses: [start, end) and whether it
// also starts a new group.
type retBreak struct {
	start, end int
	group      bool
}

// retentionBreaks are the breaks of text outside facts, in order of start:
// stops, contrasts (not one that opens the sentence) and coordinated
// clauses, then enumerators.
func retentionBreaks(text string, facts []fact) []retBreak {
	var bs []retBreak
	for _, m := range clauseBreakRe.FindAllStringSubmatchIndex(text, -1) {
		k := breakStop
		for m[2*k] < 0 {
			k++
		}
		if k != breakStop && k != breakContrast && k != breakCoordination {
			continue
		}
		if overlapsFact(facts, m[0], m[1]) || k == breakContrast && strings.TrimSpace(text[:m[0]]) == "" {
			continue
		}
		bs = append(bs, retBreak{m[0], m[1], k != breakCoordination})
	}
	for _, m := range retEnumeratorRe.FindAllStringIndex(text, -1) {
		if !overlapsFact(facts, m[0], m[1]) {
			bs = append(bs, retBreak{m[0], m[1], false})
		}
	}
	// In order (a stable insertion sort: breaks that start together keep
	// their order).
	for i := 1; i < len(bs); i++ {
		for j := i; j > 0 && bs[j].start < bs[j-1].start; j-- {
			bs[j], bs[j-1] = bs[j-1], bs[j]
		}
	}
	return bs
}

// overlapsFact reports whether [a, b) overlaps one of facts.
func overlapsFact(facts []fact, a, b int) bool {
	for _, f := range facts {
		if a < f.end && f.start < b {
			return true
		}
	}
	return false
}

// clausesAt cuts text into clauses and groups at breaks bs, in order;
// overlapping breaks are merged into the first.
func clausesAt(text string, bs []retBreak) retClauses {
	var cl retClauses
	start, group, gstart := 0, 0, 0
	for _, b := range bs {
		if b.start < start {
			continue
		}
		cl.clauses = append(cl.clauses, retClause{start, b.start, group})
		if b.group {
			cl.groups = append(cl.groups, [2]int{gstart, b.start})
			group++
			gstart = b.end
		}
		start = b.end
	}
	cl.clauses = append(cl.clauses, retClause{start, len(text), group})
	cl.groups = append(cl.groups, [2]int{gstart, len(text)})
	return cl
}

// factClauses is the index of the clause each fact starts in (the last
// clause for a fact that starts in none).
func factClauses(clauses []retClause, facts []fact) []int {
	of := make([]int, len(facts))
	for fi, f := range facts {
		for ci, c := range clauses {
			if f.start >= c.start && f.start < c.end || ci == len(clauses)-1 {
				of[fi] = ci
				break
			}
		}
	}
	return of
}

// keep returns the facts worth reading, in order: a "not stored" in a
// clause that also states a number of days is no period of its own
// ("not kept after 30 days").
func (cl retClauses) keep(facts []fact) []int {
	hasDays := map[int]bool{}
	for fi, f := range facts {
		if f.duration {
			hasDays[cl.of[fi]] = true
		}
	}
	var out []int
	for fi, f := range facts {
		if f.period == PeriodNone && hasDays[cl.of[fi]] {
			continue
		}
		out = append(out, fi)
	}
	return out
}

// deletionConcessionRe is a concession of deletion after a period ("…
// kept for 3 years, even if you delete your activity"): no exception, but
// the deletion the period outlives.
var deletionConcessionRe = regexp.MustCompile(`(?i)\beven (if|when|after|once) [^,;]{0,60}?\b(delete|deletes|deleted|remove|removes|erase|erases)\b[^,;]*`)

// contexts are the texts that may name the scope of fact fi, nearest
// first: the words leading up to it within its clause (a period word
// itself left out: "kept until you delete it" names no deletion scope);
// the rest of its clause outside its periods, without an exception tail
// (a concession of deletion kept);
// the clauses before it in its group and the group's trailing words after
// its last period.
func (cl retClauses) contexts(text string, facts []fact, fi int) []string {
	f := facts[fi]
	ci := cl.of[fi]
	c := cl.clauses[ci]
	g := cl.groups[c.group]
	from := c.start
	first, last := -1, -1
	lastInGroup := -1
	for j := range facts {
		switch {
		case cl.of[j] == ci:
			if first < 0 {
				first = j
			}
			last = j
		}
		if cl.clauses[cl.of[j]].group == c.group {
			lastInGroup = j
		}
		if cl.of[j] == ci && j < fi && facts[j].end > from {
			from = facts[j].end
		}
	}
	end := f.end
	if !f.duration && f.period != PeriodNone && f.period != PeriodConfigurable {
		end = f.start
	}
	if end < from {
		end = from
	}
	local := text[from:end]
	// The clause's trailing words frame all its periods ("2 years and the
	// scores for 7 years if flagged"), except for a period an "or" sets
	// apart from the later one ("30 days, or 2 years if flagged").
	tail := beforeException(text[facts[last].end:c.end])
	if m := deletionConcessionRe.FindString(text[facts[last].end:c.end]); m != "" {
		tail += " " + m // "kept for 3 years, even if you delete your activity"
	}
	for j := fi + 1; j <= last; j++ {
		if cl.of[j] == ci && retAlternativeRe.MatchString(text[f.end:facts[j].start]) {
			tail = ""
			break
		}
	}
	clauseCtx := text[c.start:facts[first].start] + " " + tail
	after := ""
	if e := facts[lastInGroup].end; cl.of[lastInGroup] != ci && e < g[1] {
		// The trailing words of a later clause of periods ("…, and the
		// scores for 7 years if flagged"); the clauses after the last
		// period are clauses of their own.
		after = beforeException(text[e:g[1]])
	}
	groupCtx := text[g[0]:c.start] + " " + after
	out := []string{local, clauseCtx, groupCtx}
	if m := retOpeningRe.FindString(text[:g[0]]); m != "" {
		out = append(out, m)
	}
	return out
}

// retentionClause reports whether fact f, in clause ci of text, is a
// retention period: its clause says data is kept or removed (or, for an
// item read with its lead-in, the lead-in does; or the clause has no verb
// of its own and continues one that does), no notice, age, payment or
// other deadline frames it, and the data it is about is the customer's
// content.
func retentionClause(text string, cl retClauses, ci int, f fact, item bool, lead string) bool {
	c := cl.clauses[ci]
	ctext := text[c.start:c.end]
	if f.duration && disqualified(text, c, f) {
		return false
	}
	local := text[c.start:f.start]
	if retOtherDataRe.MatchString(local) && !retContentRe.MatchString(local) {
		return false
	}
	if f.period == PeriodNone {
		return !retModelsRe.MatchString(local) && !retLogInRe.MatchString(text[f.start:min(len(text), f.end+8)])
	}
	if retOtherModeRe.MatchString(text[cl.groups[c.group][0]:c.end]) || retCustomerDutyRe.MatchString(text[:f.start]) {
		return false
	}
	own := ctext
	if f.period == PeriodUntilDeleted {
		// a period word's own verb ("until you remove it") says nothing
		// of keeping: "unable to send messages until you remove content"
		own = text[c.start:f.start] + " " + text[f.end:c.end]
	}
	if hasRetentionWord(own) || f.duration && retLastRe.MatchString(local) && retDataRe.MatchString(local) {
		return true
	}
	if item && hasRetentionWord(lead) {
		return true
	}
	// An elliptical clause continues the clause right before it ("…; if
	// you turn it off, for 30 days"); an enumerated item ("(c) …") stands
	// on its own.
	if ci > 0 && !retVerbRe.MatchString(retNotRetentionRe.ReplaceAllString(ctext, " ")) && !retEnumeratorRe.MatchString(text[max(0, c.start-5):c.start]) {
		p := cl.clauses[ci-1]
		return hasRetentionWord(text[p.start:p.end])
	}
	return false
}

// disqualified reports whether the words around a duration make it
// something other than a retention period: "30 days' notice", "18 years
// old", "payable within 30 days", "effective 30 days after posting".
func disqualified(text string, c retClause, f fact) bool {
	if retAfterNotRe.MatchString(text[f.end:c.end]) || retBeforeNotRe.MatchString(text[c.start:f.start]) {
		return true
	}
	// A person's age is told in years ("18 years old", "older than 16
	// years"); data's in months or days ("once it is 18 months old").
	return retYearsRe.MatchString(text[f.start:f.end]) &&
		(retAgeAfterRe.MatchString(text[f.end:c.end]) || retAgeBeforeRe.MatchString(text[c.start:f.start]))
}

var (
	retYearsRe     = regexp.MustCompile(`\by(ea)?rs?\b`)
	retAgeAfterRe  = regexp.MustCompile(`^\s+(old|of age)\b`)
	retAgeBeforeRe = regexp.MustCompile(`\bolder than\s*$`)
)
