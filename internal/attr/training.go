package attr

import (
	"regexp"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Training values of DESIGN.md.
const (
	TrainingNever  = "never"
	TrainingOptIn  = "opt-in"
	TrainingOptOut = "opt-out"
	TrainingAlways = "always"
)

// What one sentence says about training on customer data.
type trainingClass int

const (
	trainNone        trainingClass = iota // says nothing about it
	trainNever                            // customer data is not used (by default)
	trainOptIn                            // used only if the customer chooses so
	trainOptOut                           // used unless the customer turns it off
	trainAlways                           // used, no choice stated
	trainException                        // used only in a narrow case: feedback, flagged content
	trainConditional                      // used under a condition stated elsewhere (a list lead-in)
)

var (
	// competeRe marks sentences about what the customer may not train
	// (competing models), which say nothing about the vendor's use.
	competeRe = regexp.MustCompile(`(?i)\bcompet(e|es|ing|itor|itive)\b|\b(you|customers?|users?)\s+(may|must|shall|will)\s+not\b[^.]{0,80}\btrain|\b(human|expert)\s+trainers?\b|\bprofessional training\b|\btraining (courses?|materials? for (your|staff))`)

	// optInRe finds a path by which the customer chooses to allow training.
	optInRe = regexp.MustCompile(`(?i)\bopt(s|ed|ing)?[- ]?in(to)?\b|\bonly with your\b|\bwith(out)? your (express |explicit |prior |affirmative )?(written )?(permission|consent|authori[sz]ation|agreement)\b|\b(choose|chooses|chosen|elect|elects|elected|decide|decides|agree|agrees|agreed)\s+to\s+(allow|let|share|provide|participate|contribute|enable|join|turn on)\b|\bif you (allow|permit|enable|let us|share|turn on|consent)\b|\byou (explicitly |expressly )?(allow|permit|authori[sz]e) us\b|\b(explicitly|expressly|affirmatively)\s+(give|gives|gave|given|grant|grants|granted|consent|consents|consented|agree|agrees|agreed)\b|\bgiven us (your )?permission\b|\b(participat\w*\s+in|join(s|ed|ing)?)\s+(our\s+|the\s+|a\s+)?[\w\s-]{0,40}\bprogram\b|\bwhen (this|the) setting is (on|enabled)\b|\bgive you the choice\b|\bif you choose to\b`)

	// optOutRe finds a choice to stop training that is on by default.
	optOutRe = regexp.MustCompile(`(?i)\bopt(s|ed|ing)?[- ]?out\b|\b(turn|switch)(s|es|ed|ing)?\s+([\w"'“”‘’-]+\s+){0,6}?off\b|\b(choose|chooses|elect|decide)\s+to\s+(disable|stop|turn off|withdraw)\b|\b(can|may)\s+(disable|withdraw|deactivate)\b|\bdata controls\b|\bunless you (object|tell us not|ask us not)\b|\b(you can|right to) object\b`)

	// noOptOutRe finds an opt-out that is denied ("you cannot opt out").
	noOptOutRe = regexp.MustCompile(`(?i)\b(cannot|can't|can not|not able to|unable to|no (way|option|ability) to)\s+(opt[- ]?out|turn\s+(it\s+|this\s+)?off|disable)\b`)

	// unlessOptOutRe is an opt-out stated as the exception to training.
	unlessOptOutRe = regexp.MustCompile(`(?i)\bunless you\s+(\w+\s+){0,2}(opt[- ]?out|turn|switch|disable|object)`)

	// customerDataRe finds the customer's own data as the object.
	customerDataRe = regexp.MustCompile(`(?i)\b(your|customer'?s?|users?'?|business|organi[sz]ation'?s?|enterprise|commercial|api|submitted)\s+([\w-]+\s+){0,3}(content|data|inputs?|outputs?|prompts?|chats?|conversations?|materials?|messages|sessions|information|code|completions)\b|\b(inputs?|outputs?|prompts?|conversations?|chats?|materials|completions)\b|\bcustomer content\b`)

	// otherDataRe finds data that is not the customer's conversations:
	// public or licensed data, feedback, aggregated or de-identified data.
	otherDataRe = regexp.MustCompile(`(?i)\bpublic(ly)?[\s-]+(available|accessible|web|internet|data|information)|\blicen[cs]ed?\b|\bthird[- ]party data(sets?)?\b|\baggregat\w*|\bde-?identified\b|\banonymi[sz]ed\b|\bsynthetic\b|\bfeedback\b|\bbug reports?\b|\bthumbs\b|\bincognito\b|\btemporary chats?\b|\bdata accessed from\b|\bfine-?tun\w*`)

	// exceptionCaseRe finds the narrow cases that do not change a tier's
	// training value: feedback, content flagged for safety review, legal
	// obligations.
	exceptionCaseRe = regexp.MustCompile(`(?i)\bfeedback\b|\bbug reports?\b|\bflagged\b|\bsafety review\b|\btrust (and|&) safety\b|\bsafeguards\b|\busage polic|\bacceptable use\b|\brequired by law\b|\btrusted tester`)

	// dataRe names data in general.
	dataRe = regexp.MustCompile(`(?i)\bdata\b`)

	// leadCondRe is a leading condition ("If …," "When …,").
	leadCondRe = regexp.MustCompile(`(?i)^\W*(if|when|where|once|in case|should)\b[^,]*,`)

	// trailCondRe is a trailing condition ("… if:", "… when you …").
	trailCondRe = regexp.MustCompile(`(?i)\s(if|only if|when|only when|provided that|in the event that)(\s|:|$)`)

	// anaphorRe marks a sentence that points back at a previous one ("this
	// setting", "it"), so that a choice without a training word can attach
	// to the training sentence before it.
	anaphorRe = regexp.MustCompile(`(?i)\b(this|that|it|these|the)\s+(setting|choice|option|toggle|preference)s?\b|\b(turn|switch)\s+(it|this|that)\s+off\b|\bsharing\b`)
)

// newTrainingPattern finds a sentence about training or improving models,
// the vendor's products among them ("improve Claude").
func newTrainingPattern(lex *Lexicon) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\btrain(s|ed|ing)?\b|\bimprov(e|es|ing)\s+(our\s+|the\s+|future\s+|its\s+)?(ai\s+|language\s+|generative\s+)?(models?\b|` + lex.products.String() + `)|\bmodel\s+(improvement|development)\b|\bimprove the model\b|\bto\s+(develop|improve)\s+(or|and)\s+(develop|improve)\s+(the|our|its)\s+(services?|products?|models?)\b`)
}

// classifyTraining says what one sentence (with its lead-in) states about
// the use of customer data for training. prevTraining tells whether the
// sentence before it was about training, for choices stated separately
// ("You can turn this setting off at any time.").
func classifyTraining(lex *Lexicon, text string, prevTraining bool) trainingClass {
	switch {
	case strings.HasSuffix(strings.TrimSpace(text), "?"):
		return trainNone // a question, such as a page title
	case !lex.train.MatchString(text):
		if prevTraining && anaphorRe.MatchString(text) {
			return followUpChoice(text)
		}
		return trainNone
	case competeRe.MatchString(text):
		return trainNone
	}
	if c := choiceOf(text); c != trainNone {
		return c
	}
	return useOf(text)
}

// followUpChoice is the choice stated by a sentence that points back at
// the training sentence before it ("You can turn this setting off").
func followUpChoice(text string) trainingClass {
	switch {
	case noOptOutRe.MatchString(text):
		return trainAlways
	case optOutRe.MatchString(text):
		return trainOptOut
	case optInRe.MatchString(text):
		return trainOptIn
	}
	return trainNone
}

// choiceOf is the choice a training sentence offers the customer: opt-in,
// opt-out, always when the opt-out is denied, or trainNone when it offers
// none. A sentence with both an opt-in and an opt-out path is opt-in
// unless the opt-out is the exception to training ("unless you opt out").
func choiceOf(text string) trainingClass {
	in, out := optInRe.MatchString(text), optOutRe.MatchString(text)
	switch {
	case noOptOutRe.MatchString(text):
		return trainAlways
	case in && out:
		if unlessOptOutRe.MatchString(text) {
			return trainOptOut
		}
		return trainOptIn
	case in:
		return trainOptIn
	case out:
		return trainOptOut
	}
	return trainNone
}

// useOf classes a training sentence that offers no choice by its main
// statement (without exceptions and conditions): about other data, a
// denial, a condition stated elsewhere, a narrow exception, or use.
func useOf(text string) trainingClass {
	main := beforeException(text)
	cond := ""
	if loc := leadCondRe.FindStringIndex(main); loc != nil {
		cond, main = main[:loc[1]], main[loc[1]:]
	}
	if loc := trailCondRe.FindStringIndex(main); loc != nil {
		cond += " " + main[loc[0]:]
		main = main[:loc[0]]
	}
	switch {
	case otherDataRe.MatchString(main) && !customerDataRe.MatchString(otherDataRe.ReplaceAllString(main, "")):
		if exceptionCaseRe.MatchString(main) {
			return trainException
		}
		return trainNone
	case mainNegated(main):
		return trainNever
	case strings.TrimSpace(cond) != "":
		if exceptionCaseRe.MatchString(cond) || exceptionCaseRe.MatchString(text[len(beforeException(text)):]) {
			return trainException
		}
		return trainConditional
	case exceptionCaseRe.MatchString(main):
		return trainException // "flagged conversations may be used to train"
	case !customerDataRe.MatchString(main) && !dataRe.MatchString(main):
		return trainNone // "how our models are trained": no data named
	}
	return trainAlways
}

// verbRe finds the verbs whose negation denies training on customer data.
var verbRe = regexp.MustCompile(`(?i)\b(use|uses|used|using|train|trains|trained|training|process|processes|share|shares|shared|include|includes|included|feed|fed)\b`)

// exemptRe is a denial phrased as an exemption ("exempt from training").
var exemptRe = regexp.MustCompile(`(?i)\b(excluded|exempt|exempted|isolated)\s+from\b[^.]{0,40}\btrain`)

// mainNegated reports whether the main statement of a sentence is denied:
// one of its verbs is negated ("we do not use", "is never used", "may not
// train", "no … is used") or it is exempted from training.
func mainNegated(main string) bool {
	if exemptRe.MatchString(main) {
		return true
	}
	for _, m := range verbRe.FindAllStringIndex(main, -1) {
		if negated(main, m[0]) {
			return true
		}
	}
	return false
}

// readTraining reads whether a tier's customer data is used to train the
// vendor's models: "never", "opt-in" (only if the customer chooses to allow
// it), "opt-out" (used unless the customer turns it off) or "always" (used,
// no choice offered).
//
// Each sentence is read with the lead-in of its list. A plain denial reads
// as never, even with narrow exceptions (feedback the customer sends,
// content flagged for safety review); a denial together with a path by
// which the customer opts in reads as opt-in. Sentences about other data
// (public or licensed data, feedback alone, aggregated or de-identified
// data) and about what the customer may not train never change the value.
// Conditions without a choice ("we use your chats if:") are left to the
// list items that follow. The exception sentences are kept in Sentences
// with the ones that decided the value. No statement at all reads as
// unknown.
func readTraining(lex *Lexicon, sents []sentence) Reading {
	if len(sents) == 0 {
		return Reading{Value: terms.UnknownValue("no clauses to read training from")}
	}
	type hit struct {
		u     sentence
		class trainingClass
	}
	var hits []hit
	seen := map[trainingClass]bool{}
	prevTraining := false
	for _, u := range sents {
		c := classifyTraining(lex, u.normWithLeadIn(), prevTraining)
		prevTraining = c != trainNone
		if c == trainNone || c == trainConditional {
			continue
		}
		hits = append(hits, hit{u, c})
		seen[c] = true
	}

	var value string
	var primary trainingClass
	keep := map[trainingClass]bool{trainException: true}
	switch {
	case seen[trainNever] && seen[trainOptIn]:
		value, primary = TrainingOptIn, trainOptIn
		keep[trainNever], keep[trainOptIn] = true, true
	case seen[trainOptOut]:
		value, primary = TrainingOptOut, trainOptOut
		keep[trainOptOut], keep[trainAlways] = true, true
	case seen[trainNever]:
		value, primary = TrainingNever, trainNever
		keep[trainNever] = true
	case seen[trainOptIn]:
		value, primary = TrainingOptIn, trainOptIn
		keep[trainOptIn], keep[trainAlways] = true, true
	case seen[trainAlways]:
		value, primary = TrainingAlways, trainAlways
		keep[trainAlways] = true
	default:
		return Reading{Value: terms.UnknownValue("no sentence says whether customer data is used for training")}
	}
	r := Reading{Value: terms.Scalar(value)}
	found := false
	for _, h := range hits {
		if !keep[h.class] {
			continue
		}
		if h.class == primary && !found {
			r.Clause, found = h.u.clause, true
		}
		r.Sentences = append(r.Sentences, h.u.withLeadIn())
	}
	return r
}
