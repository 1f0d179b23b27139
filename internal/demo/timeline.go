package demo

// Step is one point of the timeline: the pages as they read in State,
// and what a check at that point must find.
type Step struct {
	Name      string // short label: "a", "b", …
	Narration string // one line for the terminal
	State     State
	// First marks the first snapshot: every value is read for the first
	// time, so there is no previous value to change from.
	First bool
	// Want are the value-changed events the step must raise (old → new,
	// critical); empty for a noise-only step, which must raise nothing.
	Want []Change
}

// Change is an expected value-changed event; Old and New are rendered as
// terms.Value.String renders them ("opt-out", "batch=29, default=30").
type Change struct {
	Tier      string
	Attribute string
	Old       string
	New       string
}

// Timeline returns the demo's steps: a first snapshot, then noise-only
// changes between three changes that weaken a customer's position: the
// consumer training default flips from opt-out to always, the commercial
// default retention lengthens from 30 to 60 days, and the Enterprise plan
// loses its BAA.
func Timeline() []Step {
	s := Initial()
	var steps []Step
	add := func(name, narration string, first bool, want ...Change) {
		steps = append(steps, Step{Name: name, Narration: narration, State: s, First: first, Want: want})
	}
	add("a", "first snapshot of every page (the pages agree with the documented baseline where one page can)", true)

	s.Epoch++
	add("b", "noise only: new build ids, nonces, tracking links, related articles and 'updated' badges", false)

	s.ConsumerTraining = TrainingAlways
	add("c", "the consumer terms drop the opt-out: chats are always used for training",
		false, Change{"consumer", "training", TrainingOptOut, TrainingAlways})

	s.Epoch++
	add("d", "noise only again", false)

	s.CommercialRetentionDays = 60
	commercial := func(days string) string {
		return "batch=29, default=" + days + ", files=until-deleted, policy-violation=730"
	}
	add("e", "the commercial retention article lengthens the default retention from 30 to 60 days", false,
		Change{"team", "retention", commercial("30"), commercial("60")},
		Change{"enterprise", "retention", commercial("30"), commercial("60")},
		Change{"api", "retention", commercial("30"), commercial("60")},
	)

	s.EnterpriseBAA = false
	add("f", "the BAA article withdraws the Business Associate Agreement for the Enterprise plan", false,
		Change{"enterprise", "hipaa-baa", "available", "not-available"})

	s.Epoch++
	add("g", "noise only, one last time", false)
	return steps
}
