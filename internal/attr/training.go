package attr

import (
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	regexp "github.com/clausewatch/clausewatch/internal/wordre"
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
	// staffTrainRe is training of people (staff, reviewers, security
	// awareness courses, "training and onboarding materials" sent by
	// email), which is no training of models: it is cut out of
	// a sentence before the sentence is asked whether it speaks of training.
	staffTrainRe = regexp.MustCompile(`(?i)\b(personnel|employees?|staff|workforce|team members?|reviewers?|contractors?|workers|support team|everyone)\b[^.;]{0,80}?\b(are|is|be|been|get|gets|receive|receives|complete|completes|undergo|undergoes|attend|attends|take|takes)\s+(\w+,?\s+){0,6}?(trained|training)\b` +
		`|\btrain(s|ed|ing)?\s+(our|its|their|all|the|relevant|new)?\s*(staff|employees|personnel|support team|team members|people|reviewers|workforce|team|contractors|workers)\b` +
		`|\b(privacy|security|awareness|compliance|hipaa|confidentiality|data protection|annual|onboarding|mandatory|relevant|regular|appropriate|ethics|professional)\s+(and\s+\w+\s+)?(awareness\s+)?training\b` +
		`|\btrained\s+(in|to handle|on how|to recognize|to follow|and obligated)\b|\b(properly|appropriately|adequately|regularly|specially|suitably)\s+trained\b` +
		`|\btraining (courses?|sessions?|programs? for (staff|employees)|materials? for (your|staff))|\b(human|expert)\s+trainers?\b` +
		`|\btraining\s+(and\s+[\w-]+\s+)?(materials|resources|webinars?|videos|guides|tutorials)\b`)

	// excludingRe is training named only to be left out of a purpose
	// ("to improve the services (excluding model training)").
	excludingRe = regexp.MustCompile(`(?i)\(?\b(excluding|except for|other than|not including|apart from)\s+(\w+\s+){0,2}?(model\s+)?training\)?`)

	// competeRe marks statements about what the customer may not train
	// (competing models, distillation, training with the vendor's services
	// without its authorization), which say nothing about the vendor's use.
	competeRe = regexp.MustCompile(`(?i)\bcompet(e|es|ing|itor|itive|itors)\b|\b(you|customers?|users?|end users?)\s+(may|must|shall|will|agrees? to|agree)\s+not\b[^.]{0,80}\btrain|\bnot (be )?permitted to\b[^.]{0,80}\btrain|\bprohibited from\b|\b(is|are) not intended\b|\b(model\s+)?(scraping|distillation)\b|\bwithout (the )?(prior |express |written )*(authori[sz]ation|permission|consent) (from|of) (us|the company|the provider)\b|\b(using|use of|utili[sz]ation of)\s+(our|the|its|any)\s+(products?|services?|platform|apis?)\b([^.;]{0,40}?\bor\s+(products?|services?))?\s+to\b`)

	// optInRe finds a path by which the customer chooses to allow training.
	optInRe = regexp.MustCompile(`(?i)\bopt(s|ed|ing)?[- ]?in(to)?\b|\bonly with your\b|\bwith(out)? (your|its|their|the customer's) (express |explicit |prior |affirmative )?(written )?(permission|consent|authori[sz]ation|agreement)\b` +
		`|\b(choose|chooses|chose|chosen|elect|elects|elected|decide|decides|decided|agree|agrees|agreed|volunteer|volunteers)\b[^.;]{0,50}?\bto\s+(allow|let|share|provide|participate|contribute|enable|join|turn on|switch on|take part|send|such use|this use|that use)\b` +
		`|\bif you (allow|permit|enable|let us|share|turn on|switch on|consent)\b|\byou (explicitly |expressly )?(allow|permit|authori[sz]e) us\b|\b(explicitly|expressly|affirmatively|specifically)\s+(give|gives|gave|given|grant|grants|granted|consent|consents|consented|agree|agrees|agreed|enabled?|allow|allowed)\b|\bgiven us (your )?permission\b|\b(give|gives|grant|grants)\s+us\s+(your\s+)?(express\s+|explicit\s+)?(permission|consent)\b` +
		`|\b(participat\w*\s+in|join(s|ed|ing)?|take part in|takes part in|taken part in|enrol\w*\s+in|sign(s|ed|ing)?\s+up\s+for|through)\s+(our\s+|the\s+|a\s+|an\s+)?[\w\s-]{0,40}\bprogram(me)?s?\b|\bsign(s|ed|ing)?\s+(a|an|the)\s+[\w\s-]{0,40}\b(agreement|partnership)\b|\bvolunteer(s|ed|ing)?\b` +
		`|\bwhen (this|the) setting is (on|enabled)\b|\bgive you the choice\b|\bif you choose to\b` +
		`|\b(turn|turns|turned|turning|switch|switches|switched|switching)\s+((it|this|that|them|the setting|this setting)\s+)?on\b|\b(you|users?|customers?|admin\w*|administrators?|organi[sz]ations?|they)\s+(have\s+|has\s+)?(can\s+|may\s+|could\s+)?(\w+ly\s+)?(enabled|enables|enable)\b|\b(if|once|when) enabled\b`)

	// optOutRe finds a choice to stop training that is on by default.
	optOutRe = regexp.MustCompile(`(?i)\bopt(s|ed|ing)?[- ]?out\b|\b(turn|switch)(s|es|ed|ing)?\s+([\w"'“”‘’-]+\s+){0,6}?off\b|\b(choose|chooses|elect|decide)\s+to\s+(disable|stop|turn off|withdraw)\b|\b(can|may)\s+(disable|withdraw|deactivate|stop)\b|\bdisabl(e|es|ing)\s+(the|this|that|it)\b|\bstop(s|ping)?\s+(this|it|that|us)\b|\bdata controls\b|\bunless you (object|tell us not|ask us not)\b|\b(you can|right to) object\b`)

	// noOptOutRe finds an opt-out that is denied ("you cannot opt out",
	// "there is no setting to turn this off", "a condition of the plan").
	noOptOutRe = regexp.MustCompile(`(?i)\b(cannot|can't|can not|not able to|unable to|no (way|option|ability) to)\s+(opt[- ]?out|turn\s+(it\s+|this\s+)?off|disable)\b|\b(cannot|can't|can not|may not)\s+be\s+(turned|switched)\s+off\b|\bno\s+(setting|way|option|toggle|means|mechanism|control)\s+(\w+\s+){0,3}?to\s+(turn\s+(this|it)\s+off|opt[- ]?out|disable|stop)\b|\b(is|are)\s+a\s+condition\s+of\b`)

	// noOptInRe finds an opt-in that is denied ("there is no programme
	// through which an organization can choose to share it").
	noOptInRe = regexp.MustCompile(`(?i)\bno\s+(programme|program|way|option|setting|mechanism|means)\b[^.;]{0,60}?\b(choose|opt|share|turn|enable|allow|volunteer)|\b(cannot|can't|can not|not able to|unable to)\s+(opt[- ]?in|choose to share|turn (it |this )?on|enable)\b`)

	// unlessOptOutRe is an opt-out stated as the exception to training.
	unlessOptOutRe = regexp.MustCompile(`(?i)\bunless\s+(\([a-z0-9]{1,3}\)\s+)?(you|the user|users|customer|an? admin\w*|administrators?|they|your organi[sz]ation)\s+(\w+\s+){0,2}(opt[- ]?out|opts[- ]?out|opted[- ]?out|turn|turns|switch|switches|disable|disables|object|objects)`)

	// notOptedOutRe is an opt-out denied inside an exception: "not used …
	// except when you have not opted out" is used unless you opt out.
	notOptedOutRe = regexp.MustCompile(`(?i)\b(has|have|had|did|do|does)\s+not\s+(yet\s+)?opt(ed)?[- ]?out\b|\b(hasn't|haven't|hadn't|didn't|don't|doesn't)\s+(yet\s+)?opt(ed)?[- ]?out\b`)

	// stateOffRe and stateOnRe are a training setting stated off or on
	// ("model improvement is off", "on by default").
	stateOffRe = regexp.MustCompile(`(?i)\b(is|are|stays|remains|set to|defaults? to)\s+(off|disabled)\b|\b(off|disabled|opted[- ]out)\b[^.;]{0,40}?\bby default\b`)
	stateOnRe  = regexp.MustCompile(`(?i)\b(is|are|set to|defaults? to)\s+(on|enabled)\b|\b(on|enabled|opted[- ]in)\s+by default\b`)

	// customerDataRe finds the customer's own data as the object.
	customerDataRe = regexp.MustCompile(`(?i)\b(your|customer'?s?|users?'?|business|organi[sz]ation'?s?|enterprise|commercial|api|submitted)\s+([\w-]+\s+){0,3}(content|data|inputs?|outputs?|prompts?|chats?|conversations?|materials?|messages|sessions|information|code|completions)\b|\b(inputs?|outputs?|prompts?|conversations?|chats?|materials|completions)\b|\bcustomer content\b|\b(content|materials|information)\s+(you|that you|which you)\b|\b(content|materials)\s+from\s+(the\s+|our\s+|its\s+)?([\w-]+\s+)?(apps?|services?|products?|accounts?|platform)\b`)

	// otherDataRe finds data that is not the customer's conversations:
	// public or licensed data, feedback, aggregated or de-identified data.
	otherDataRe = regexp.MustCompile(`(?i)\bpublic(ly)?[\s-]+(available|accessible|web|internet|data|information)|\bfreely available\b|\blicen[cs]ed?\b|\bthird[- ]party (data(sets?)?|sources?)\b|\b(generate[sd]?|create[sd]?|produced?)\s+(\w+\s+)?internally\b|\b(created|written|generated) by our (own )?(staff|employees|contractors)\b|\bdatasets?\b|\baggregat\w*|\bde-?identified\b|\banonymi[sz]ed\b|\bsynthetic\b|\bfeedback\b|\bbug reports?\b|\bthumbs\b|\bincognito\b|\btemporary chats?\b|\bdata accessed from\b|\bfine-?tun\w*|\bcrawl\w*|\bweb pages\b`)

	// exceptionCaseRe finds the narrow cases that do not change a tier's
	// training value: feedback, content flagged for safety review, legal
	// obligations.
	exceptionCaseRe = regexp.MustCompile(`(?i)\bfeedback\b|\bbug reports?\b|\bflag(s|ged)?\b|\bsafety\b|\btrust (and|&) safety\b|\bsafeguards\b|\busage polic|\bacceptable use\b|\bmisuse\b|\babuse\b|\bharmful\b|\bpolicy violations?\b|\brequired by law\b|\btrusted tester|\breport(s|ed)?\s+(a|an|the|bugs?)\b`)

	// usageCondRe is a condition that is only the use of the service
	// ("When you use the API, we use your prompts to train"): no condition
	// of training at all.
	usageCondRe = regexp.MustCompile(`(?i)^\W*(when|whenever|while|if|as)\s+(you|users?|customers?|your users)\s+(use|access|interact with|chat with)\b[^,;]*$`)

	// feedbackChoiceRe is the customer choosing to send feedback or a
	// report, a narrow exception and never the way training is switched on.
	feedbackChoiceRe = regexp.MustCompile(`(?i)\b(choose|chooses|chose|decide|decides|elect|elects)\s+to\s+(send|submit|give|provide|share|report)\b[^,;]{0,30}?\b(feedback|bug reports?|a report)\b`)

	// condHeadingRe is a heading that states a condition ("If you turn
	// history off", "When the setting is on"): the sentences under it are
	// read as if they opened with it.
	condHeadingRe = regexp.MustCompile(`(?i)^\W*(if|when|once)\b[^?]*$`)

	// trainingDataRe is "training data", which names no data of the
	// customer's.
	trainingDataRe = regexp.MustCompile(`(?i)\b(pre-?)?training data(sets?)?\b`)

	// dataRe names data in general.
	dataRe = regexp.MustCompile(`(?i)\bdata\b`)

	// introRe is a sentence that announces what a page explains rather
	// than stating it ("This article explains whether…", "Read on to find
	// out when…").
	introRe = regexp.MustCompile(`(?i)\bthis (article|page|section|guide|faq)\b|\bfor more (information|details)\b|\b(explains?|describes?)\b|\bfind out\b|\bread on\b|\blearn (more )?about\b|\bwhether\b[^,;]{0,60}\b(used|train\w*|improve)\b`)

	// anaphorRe marks a sentence that points back at a previous one ("this
	// setting", "it", "switch Save History off"), so that a choice without a training word can attach
	// to the training sentence before it.
	anaphorRe = regexp.MustCompile(`(?i)\b(this|that|it|these|the)\s+(setting|choice|option|toggle|preference)s?\b|\b(turn|switch)\s+(it|this|that)\s+(off|on)\b|\b(turn|switch)\s+([\w"'“”‘’-]+\s+){1,4}?(off|on)\b|\bsharing\b|\bvolunteer\w*|\bprogram(me)?s?\b`)

	// choiceWhetherRe is a choice put as a question ("you can choose
	// whether your chats are used"): no introduction but a choice, its
	// default told by the setting's state.
	choiceWhetherRe = regexp.MustCompile(`(?i)\b(choose|chooses|decide|decides|control|controls|select|manage)\s+whether\b`)

	// optChoiceRe is an opt-in or opt-out stated on its own ("You may opt
	// out at any time."), which after a training sentence is its choice;
	// otherOptRe is one about something else (marketing, cookies).
	optChoiceRe = regexp.MustCompile(`(?i)\bopt(s|ed|ing)?[- ]?(out|in)\b`)
	otherOptRe  = regexp.MustCompile(`(?i)\bopt(s|ed|ing)?[- ]?(out|in)\s+(of|to|from)\s+(\w+\s+){0,2}?(marketing|e-?mails?|cookies|communications|newsletters?|advertising|ads|sales?|surveys?|notifications|promotions?|tracking)\b`)

	// leadClauseRe is a leading condition or exception up to the comma
	// before the main clause's subject ("Unless you elect, in settings, to
	// share them, Lumen will not…"): group 1 the word that opens it.
	leadClauseRe = regexp.MustCompile(`(?i)^\W*(even if|even when|whatever|regardless of|unless|except where|except when|if|when|once|where|after|in case|should|apart from|other than|besides|except for)\b(.*?),\s+((we|you|they|it|our|your|the|these|this|that|those|data|customer|any|all|no|nothing|model|chats?|conversations?|inputs?|prompts?)\b|[\w'-]+\s+(will|may|shall|can|does|do|is|are|would|might|must|won't|doesn't|don't|never|only|uses?|trains?)\b)`)

	// trailCondRe opens a trailing condition or exception of a main clause.
	trailCondRe = regexp.MustCompile(`(?i)\b(unless|except|other than|apart from|save where|save for|even if|even when|only if|only when|only after|only in|only with|if|when|once|provided that|in the event|as long as)\b`)

	// ellipticRe is a clause whose training verb stands for the one of the
	// clause before it ("…, while data from the Team plan is never used").
	ellipticRe = regexp.MustCompile(`(?i)\b(is|are|be|been)\s+(\w+\s+)?used\b`)

	// ellipticRestRe is what may follow the verb of an elliptical clause:
	// nothing, or a condition or adverb ("…, while Team chats are used
	// unless an admin opts out"), not a purpose of its own ("… is used to
	// provide the service", which is no training).
	ellipticRestRe = regexp.MustCompile(`(?i)^\s*(?:[.!;]?\s*$|\(|,|unless\b|except\b|if\b|only\s+(?:if|when|with|after|once|where)\b|until\b|when\b|once\b|by default\b|at all\b|either\b|too\b|as well\b|in any way\b|for (?:this|that|it)\b)`)

	// ellipticEndRe is a clause that ends on its auxiliary, the verb left
	// to the clause before it ("…, but Team chats are not").
	ellipticEndRe = regexp.MustCompile(`(?i)\b(is|are|was|were|do|does|will|may|can|would)(\s+(not|never))?\s*[.!]?$|\b(isn't|aren't|don't|doesn't|won't|cannot|can't)\s*[.!]?$`)

	// negWordRe finds a word that denies the clause it stands in.
	negWordRe = regexp.MustCompile(`(?i)\b(not|never|no|nothing|none|neither|nor|cannot|refrains?|refrained)\b|n't\b`)

	// notNegRe are negator words that deny nothing ("not only", "whether or
	// not", "no matter").
	notNegRe = regexp.MustCompile(`(?i)\bnot (only|just|merely|simply)\b|\bor not\b|\bno matter\b`)

	// exemptRe is a denial phrased as an exemption ("exempt from training",
	// "kept out of model training").
	exemptRe = regexp.MustCompile(`(?i)\b(excluded|exempt|exempted|isolated|kept|keeps?|stays?|remains?|left|walled off)\s+(out\s+of|from|outside(\s+of)?)\b[^.]{0,40}\btrain`)

	// modelColumnRe is a column header about training models on data
	// ("Used for model training", "Trains on your chats"), not a course
	// ("Training and onboarding").
	modelColumnRe = regexp.MustCompile(`(?i)\bmodels?\b|\bdata\b|\bchats?\b|\bconversations?\b|\bcontent\b|\binputs?\b|\bprompts?\b|\bimprov\w*|\bused\b|\byour\b`)

	// negCellRe and posCellRe are a table cell's plain no and yes.
	negCellRe = regexp.MustCompile(`(?i)^\W*(no|never|not|none|off|disabled|excluded|false|✗|×|❌)\b`)
	posCellRe = regexp.MustCompile(`(?i)^\W*(yes|on|always|used|enabled|true|✓|✔|by default)\b`)
)

// newTrainingPattern finds a sentence about training or improving models,
// the vendor's products among them ("improve Claude").
func newTrainingPattern(lex *Lexicon) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\btrain(s|ed|ing)?\b|\bimprov(e|es|ing)\s+(our\s+|the\s+|future\s+|its\s+)?(ai\s+|language\s+|generative\s+|foundation\s+)?(models?\b|` + lex.products.String() + `)|\bmodel\s+(improvement|development)\b|\bimprove the model\b|\bimprov(e|es|ing)\s+(the\s+|our\s+)?model\s+performance\b|\bto\s+(help\s+)?(develop|improve)\s+(or|and)\s+(develop|improve)\s+(the|our|its)\s+(services?|products?|models?)\b|\b(develop|developing|build|building)\s+(our|its|the|their|future|new)\s+(ai\s+|language\s+|generative\s+|foundation\s+)?models\b|\bmake\s+our\s+models\s+better\b`)
}

// trainingText is the text of a sentence (with its lead-in) in which talk
// of training is looked for: people's training and training named only to
// be excluded cut out.
func trainingText(text string) string {
	text = staffTrainRe.ReplaceAllString(text, " ")
	return excludingRe.ReplaceAllString(text, " ")
}

// classifyTraining says what one sentence (with its lead-in) states about
// the use of customer data for training, one class per statement it makes
// (a contrast may make two). prevTraining tells whether the sentence before
// it was about training, for choices stated separately ("You can turn this
// setting off at any time.").
func classifyTraining(lex *Lexicon, text string, prevTraining bool) []trainingClass {
	switch t := strings.TrimSpace(text); {
	case strings.HasSuffix(t, "?"):
		return nil // a question, such as a page title
	case strings.HasSuffix(t, ":"):
		return nil // a list's lead-in: its items say it, each read with it
	}
	if c, ok := trainingRow(lex, text); ok {
		return []trainingClass{c}
	}
	text = trainingText(text)
	loc := lex.train.FindStringIndex(text)
	if loc == nil {
		if prevTraining && (anaphorRe.MatchString(text) || optChoiceRe.MatchString(text) && !otherOptRe.MatchString(text)) {
			if c := followUpChoice(text); c != trainNone {
				return []trainingClass{c}
			}
		}
		return nil
	}
	if introRe.MatchString(choiceWhetherRe.ReplaceAllString(text[:loc[1]], " ")) {
		return nil // "This article explains whether your chats are used…"
	}
	var out []trainingClass
	for _, f := range contrastParts(text) {
		if competeRe.MatchString(f) {
			continue // what the customer may not train
		}
		var c trainingClass
		switch {
		case lex.train.MatchString(f):
			c = classifyStatement(lex, f)
		case ellipticRe.MatchString(f):
			c = classifyStatement(lex, f) // "… whereas chats on individual plans are used unless …"
		default:
			c = followUpChoice(f) // "…, but you can turn it off"
		}
		if c != trainNone {
			out = append(out, c)
		}
	}
	return out
}

// contrastParts splits a sentence at its contrasts ("but", "while",
// "whereas", "however"), the statements that may say opposite things.
func contrastParts(s string) []string {
	var out []string
	start := 0
	for _, b := range append(clauseBreaks(s, breakContrast), [2]int{len(s), len(s)}) {
		if f := strings.TrimSpace(s[start:b[0]]); f != "" {
			out = append(out, f)
		}
		start = b[1]
	}
	return out
}

// followUpChoice is the choice stated by a sentence that points back at
// the training sentence before it ("You can turn this setting off").
func followUpChoice(text string) trainingClass {
	if stateOffRe.MatchString(text) { // "… are opted out by default unless they opt in"
		if optInRe.MatchString(stateOffRe.ReplaceAllString(text, " ")) && !noOptInRe.MatchString(text) {
			return trainOptIn
		}
		return trainNone
	}
	switch {
	case noOptOutRe.MatchString(text):
		return trainAlways
	case noOptInRe.MatchString(text):
		return trainNone
	case optOutRe.MatchString(text):
		return trainOptOut
	case optInRe.MatchString(text):
		return trainOptIn
	}
	return trainNone
}

// statementParts is one training statement cut into its main clause, the
// conditions and exceptions that may offer a choice ("unless you opt
// in", "if you turn it off") and the concessions that offer none ("even if
// you opt out").
type statementParts struct {
	main       string
	conds      []string // conditions and exceptions, each with its opening word
	concession bool     // an "even if …" was cut off
}

func splitStatement(s string) statementParts {
	var p statementParts
	for {
		m := leadClauseRe.FindStringSubmatchIndex(s)
		if m == nil {
			break
		}
		word := strings.ToLower(s[m[2]:m[3]])
		clause := s[m[2]:m[5]]
		switch word {
		case "even if", "even when", "whatever", "regardless of":
			p.concession = true
		case "apart from", "other than", "besides", "except for":
			// "Apart from that, …": the main statement follows.
		default:
			p.conds = append(p.conds, clause)
		}
		s = s[m[6]:]
	}
	if loc := trailCondRe.FindStringIndex(s); loc != nil {
		tail := s[loc[0]:]
		s = s[:loc[0]]
		if w := strings.ToLower(tail); strings.HasPrefix(w, "even ") {
			p.concession = true
			// a concession may still be followed by a condition: "… even if
			// you opt out, when your chat is flagged"
			if l2 := trailCondRe.FindStringIndex(tail[4:]); l2 != nil {
				rest := tail[4+l2[0]:]
				if !strings.HasPrefix(strings.ToLower(rest), "if") {
					p.conds = append(p.conds, rest)
				}
			}
		} else {
			p.conds = append(p.conds, tail)
		}
	}
	p.main = s
	return p
}

// classifyStatement classes one training statement: a choice offered
// (opt-in, opt-out, always when the opt-out is denied), a denial (never),
// a narrow exception, a condition stated elsewhere, talk of other data
// (none) or plain use (always).
func classifyStatement(lex *Lexicon, text string) trainingClass {
	p := splitStatement(text)
	sig := readSignals(lex, text, p)
	if c, ok := deniedClass(sig, p); ok {
		return c
	}
	if c, ok := choiceClass(sig); ok {
		return c
	}
	return plainUseClass(p)
}

// statementSignals is what classifyStatement reads from a statement
// before it decides: the choices it offers and whether it is denied.
type statementSignals struct {
	text    string // the whole statement
	choice  string // the main clause and its conditions, joined
	in      bool   // an opt-in is offered and not denied
	out     bool   // an opt-out is offered (a setting stated off aside)
	neg     bool   // the main clause is denied or a setting stated off
	condOut bool   // a condition turns training off: "if you turn it off, we will not use …"
}

// readSignals reads the signals of statement text split into p.
func readSignals(lex *Lexicon, text string, p statementParts) statementSignals {
	choice := p.main + " ; " + strings.Join(p.conds, " ; ")
	// Sending feedback is a narrow exception, not a path by which the
	// customer allows training: "not used unless you choose to send us
	// feedback" offers no opt-in.
	inText := feedbackChoiceRe.ReplaceAllString(choice, " ")
	off := stateOffRe.MatchString(p.main)
	outText := choice
	if off {
		outText = stateOffRe.ReplaceAllString(choice, " ")
	}
	return statementSignals{
		text:    text,
		choice:  choice,
		in:      optInRe.MatchString(inText) && !noOptInRe.MatchString(inText),
		out:     optOutRe.MatchString(outText),
		neg:     off || mainNegated(lex, p.main),
		condOut: conditionOptsOut(p.conds),
	}
}

// conditionOptsOut reports whether one of conds is an opt-out that is no
// exception ("unless", "except", "only"), or an exception that holds only
// while no opt-out was made ("except where you have not opted out"):
// turning a setting off, or the
// setting stated off ("if the history setting is off, your chats are not
// used": the setting governs training and is turned off to stop it).
func conditionOptsOut(conds []string) bool {
	condOut := false
	for _, c := range conds {
		w := strings.ToLower(c)
		if (strings.HasPrefix(w, "unless") || strings.HasPrefix(w, "except")) && notOptedOutRe.MatchString(c) {
			condOut = true // "except where you have not opted out"
		}
		if (optOutRe.MatchString(c) || stateOffRe.MatchString(c)) && !strings.HasPrefix(w, "unless") && !strings.HasPrefix(w, "except") && !strings.HasPrefix(w, "only") {
			condOut = true
		}
	}
	return condOut
}

// deniedClass classes a statement whose opt-out or main clause is
// denied; ok is false when neither is.
func deniedClass(sig statementSignals, p statementParts) (trainingClass, bool) {
	switch {
	case noOptOutRe.MatchString(sig.choice) && !sig.neg:
		return trainAlways, true
	case !sig.neg:
		return trainNone, false
	case sig.condOut && !sig.in:
		return trainOptOut, true
	case sig.in:
		return trainOptIn, true
	case otherOnly(p.main):
		return trainNone, true
	}
	return trainNever, true
}

// choiceClass classes a statement that offers a choice (a setting stated
// on or off, an opt-in, an opt-out); ok is false when it offers none.
func choiceClass(sig statementSignals) (trainingClass, bool) {
	switch {
	case stateOnRe.MatchString(sig.text) && (sig.out || choiceWhetherRe.MatchString(sig.choice)):
		return trainOptOut, true
	case stateOffRe.MatchString(sig.text) && choiceWhetherRe.MatchString(sig.choice):
		return trainOptIn, true
	case sig.in && sig.out:
		if unlessOptOutRe.MatchString(sig.choice) {
			return trainOptOut, true
		}
		return trainOptIn, true
	case sig.in:
		return trainOptIn, true
	case sig.out:
		return trainOptOut, true
	}
	return trainNone, false
}

// plainUseClass classes a statement that neither denies nor offers a
// choice: talk of other data, a narrow exception, a condition stated
// elsewhere, or plain use.
func plainUseClass(p statementParts) trainingClass {
	switch {
	case otherOnly(p.main):
		if exceptionCaseRe.MatchString(p.main) {
			return trainException
		}
		return trainNone
	case len(slices.DeleteFunc(slices.Clone(p.conds), usageCondRe.MatchString)) > 0:
		if exceptionCaseRe.MatchString(strings.Join(p.conds, " ")) || exceptionCaseRe.MatchString(p.main) {
			return trainException
		}
		if p.concession {
			return trainNone
		}
		return trainConditional
	case exceptionCaseRe.MatchString(p.main):
		return trainException // "flagged conversations may be used to train"
	case p.concession:
		return trainNone
	case !customerDataRe.MatchString(p.main) && !dataRe.MatchString(trainingDataRe.ReplaceAllString(p.main, " ")):
		return trainNone // "how our models are trained": no data named
	}
	return trainAlways
}

// otherOnly reports whether the main clause speaks of other data only
// (public, licensed, feedback, aggregated), not the customer's.
func otherOnly(main string) bool {
	return otherDataRe.MatchString(main) && !customerDataRe.MatchString(otherDataRe.ReplaceAllString(main, ""))
}

// mainNegated reports whether the main clause of a statement is denied: a
// negator stands before its training word ("we do not use", "is never
// used", "shall not, and shall not permit others to, train", "nothing …
// becomes training data", "no model … is trained on them"), or, when it has
// none (an elliptical "… is never used"), anywhere in it; or it is
// exempted from training ("kept out of model training").
func mainNegated(lex *Lexicon, main string) bool {
	if exemptRe.MatchString(main) {
		return true
	}
	clean := notNegRe.ReplaceAllString(noOptOutRe.ReplaceAllString(main, " "), " ")
	pieces := coordRe.Split(clean, -1)
	about := lex.train
	if !slices.ContainsFunc(pieces, about.MatchString) {
		about = trainWordRe // elliptical: "… is never used"
	}
	for _, piece := range pieces {
		if loc := about.FindStringIndex(piece); loc != nil {
			// the verb of use before the training word, if any, is where a
			// denial would stand: "is not used for model training"
			return negWordRe.MatchString(piece[:loc[0]])
		}
	}
	return negWordRe.MatchString(clean)
}

// coordRe joins two coordinated clauses ("…, and there is no setting to
// turn this off", "… and we use it to train"): each is denied on its own.
var coordRe = regexp.MustCompile(`(?i),\s*and\b|;|\band\s+(we|it|they|you|there)\b`)

// trainWordRe is the verbs of using data for training.
var trainWordRe = regexp.MustCompile(`(?i)\btrain(s|ed|ing)?\b|\bimprov(e|es|ing)\b|\bdevelop\w*|\bused?\b|\buses\b|\busing\b|\bbecomes?\b`)

// trainingRow reads a table row ("Plan: Team plan | Used for model
// training: No"): the cell under a training column, read as the statement
// its header and cell make together. ok is false when text is no row or
// has no training column.
func trainingRow(lex *Lexicon, text string) (trainingClass, bool) {
	cells := labelledCells(text)
	if len(cells) < 2 {
		return trainNone, false
	}
	for _, c := range cells {
		h := trainingText(c.header)
		if !lex.train.MatchString(h) || !modelColumnRe.MatchString(h) || competeRe.MatchString(h) {
			continue
		}
		v := c.value
		var stmt string
		switch {
		case negCellRe.MatchString(v):
			stmt = "data is not used for model training; " + negCellRe.ReplaceAllString(v, "")
		case posCellRe.MatchString(v):
			stmt = "data is used for model training; " + posCellRe.ReplaceAllString(v, "")
		default:
			stmt = "data is used for model training " + v
		}
		return classifyStatement(lex, normalize(stmt)), true
	}
	return trainNone, false
}

// labelledCellRe is one "Header: value" cell.
var labelledCellRe = regexp.MustCompile(`^\s*([^:|;]{1,80}?):\s+(.*\S)\s*$`)

// labelledCells splits a table row rendered "Header: cell | Header: cell" (or
// with "; " between the cells) into its cells; a piece without a header of
// its own belongs to the cell before it ("Off by default; you can turn it
// on"). Nil when text is no row of at least two cells.
func labelledCells(text string) []rowCell {
	var pieces []string
	if strings.Contains(text, " | ") {
		pieces = strings.Split(text, " | ")
	} else {
		pieces = strings.Split(text, "; ")
	}
	var out []rowCell
	for _, p := range pieces {
		if m := labelledCellRe.FindStringSubmatch(p); m != nil && (len(out) == 0 || strings.Contains(text, " | ") || len(strings.Fields(m[1])) <= 6) {
			out = append(out, rowCell{header: m[1], value: m[2]})
			continue
		}
		if len(out) == 0 {
			return nil
		}
		out[len(out)-1].value += "; " + strings.TrimSpace(p)
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// underCondition is the text a sentence is classed by: with its lead-in,
// and opened by the condition its nearest heading states, if it does
// ("If the history setting is off" > "Your chats are not used to train
// our models" reads as one conditional statement). A sentence that already
// opens with a condition keeps its own.
func underCondition(u sentence) string {
	text := u.normWithLeadIn()
	if n := len(u.clause.Path); n > 0 && u.leadIn == "" {
		if h := u.clause.Path[n-1]; condHeadingRe.MatchString(h) && !condHeadingRe.MatchString(text) {
			return normalize(strings.TrimRight(h, " :")) + ", " + text
		}
	}
	return text
}

// readTraining reads whether a tier's customer data is used to train the
// vendor's models: "never", "opt-in" (only if the customer chooses to allow
// it), "opt-out" (used unless the customer turns it off) or "always" (used,
// no choice offered).
//
// Each sentence is read with the lead-in of its list, and only for what it
// says about the vendor training its models on the customer's data: the
// training of staff, what the customer may not train, questions and
// introductions say nothing. A plain denial reads as never, even with
// narrow exceptions (feedback the customer sends, content flagged for
// safety review); a denial together with a path by which the customer opts
// in reads as opt-in, unless another sentence of the page offers an
// opt-out: data used unless the customer opts out is the weaker position
// (chats on by default, voice recordings only if switched on: opt-out). Sentences about other data (public or licensed data,
// feedback alone, aggregated or de-identified data) never change the value.
// Conditions without a choice ("we use your chats if:") are left to the
// list items that follow; a concession ("even if you opt out, …") offers no
// choice. Table rows are read by the cell under a training column. The
// exception sentences are kept in Sentences after the ones that decided
// the value. No statement at all reads as unknown.
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
		cs := classifyTraining(lex, underCondition(u), prevTraining)
		if len(cs) == 0 {
			if t, ok := ellipticTraining(lex, u); ok {
				cs = classifyTraining(lex, t, prevTraining)
			}
		}
		prevTraining = len(cs) > 0
		for _, c := range cs {
			if c == trainNone || c == trainConditional {
				continue
			}
			hits = append(hits, hit{u, c})
			seen[c] = true
		}
	}

	var value string
	var primary trainingClass
	keep := map[trainingClass]bool{trainException: true}
	switch {
	case seen[trainOptOut]:
		value, primary = TrainingOptOut, trainOptOut
		keep[trainOptOut], keep[trainAlways] = true, true
	case seen[trainNever] && seen[trainOptIn]:
		value, primary = TrainingOptIn, trainOptIn
		keep[trainNever], keep[trainOptIn] = true, true
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
	var kept []string
	// The sentences of the deciding class come first, so that a quote cut
	// short still shows what decided; the others follow in page order.
	for _, first := range []bool{true, false} {
		for _, h := range hits {
			if !keep[h.class] || (h.class == primary) != first {
				continue
			}
			if h.class == primary && !found {
				r.Clause, found = h.u.clause, true
			}
			if t := h.u.withLeadIn(); !slices.Contains(kept, t) {
				kept = append(kept, t)
			}
		}
	}
	r.Sentences = kept
	return r
}

// ellipticTraining is the statement an elliptical clause makes when the
// clause before it in its sentence (its antecedent, see splitByWhom) is
// about training and it names other tiers without a training word of its
// own: "…, while data from the Team plan is never used" is read as "… is
// never used for model training", "…, but Team chats are not" as "… are
// not used for model training". ok is false for any other sentence.
func ellipticTraining(lex *Lexicon, u sentence) (string, bool) {
	if u.antecedent == "" || !lex.train.MatchString(trainingText(u.antecedent)) {
		return "", false
	}
	text := u.norm
	if lex.train.MatchString(trainingText(text)) {
		return "", false
	}
	if loc := ellipticRe.FindStringIndex(text); loc != nil && ellipticRestRe.MatchString(text[loc[1]:]) {
		return text[:loc[1]] + " for model training" + text[loc[1]:], true
	}
	if loc := ellipticEndRe.FindStringIndex(text); loc != nil {
		return strings.TrimRight(text, ".! ") + " used for model training", true
	}
	return "", false
}
