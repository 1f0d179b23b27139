package diff

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/google/go-cmp/cmp"
)

// para is a paragraph clause under the heading path given as "A > B".
func para(path, text string) terms.Clause {
	return terms.Clause{Path: strings.Split(path, " > "), Kind: terms.KindParagraph, Text: text}
}

// item is a list-item clause.
func item(path, text string) terms.Clause {
	c := para(path, text)
	c.Kind = terms.KindListItem
	return c
}

// ops renders an alignment compactly: "op before->after".
func ops(cs []Change) []string {
	out := make([]string, len(cs))
	for k, c := range cs {
		out[k] = fmt.Sprintf("%s %d->%d", c.Op, c.BeforeIndex, c.AfterIndex)
	}
	return out
}

// checkInvariants asserts what every alignment must hold: each clause of
// either side appears exactly once, indexes and pointers agree, the
// operations fit the sides present, the non-removed changes follow the
// after order, and word diffs rebuild both texts.
func checkInvariants(t *testing.T, before, after []terms.Clause, cs []Change) {
	t.Helper()
	seenB := make([]int, len(before))
	seenA := make([]int, len(after))
	lastAfter := -1
	for k, c := range cs {
		if c.BeforeIndex >= 0 {
			seenB[c.BeforeIndex]++
			if c.Before != &before[c.BeforeIndex] {
				t.Errorf("change %d: Before does not point at before[%d]", k, c.BeforeIndex)
			}
		} else if c.Before != nil {
			t.Errorf("change %d: Before set with BeforeIndex -1", k)
		}
		if c.AfterIndex >= 0 {
			seenA[c.AfterIndex]++
			if c.After != &after[c.AfterIndex] {
				t.Errorf("change %d: After does not point at after[%d]", k, c.AfterIndex)
			}
			if c.AfterIndex <= lastAfter {
				t.Errorf("change %d: after index %d not increasing (previous %d)", k, c.AfterIndex, lastAfter)
			}
			lastAfter = c.AfterIndex
		} else if c.After != nil {
			t.Errorf("change %d: After set with AfterIndex -1", k)
		}
		switch c.Op {
		case Added:
			if c.Before != nil || c.After == nil {
				t.Errorf("change %d: added with wrong sides", k)
			}
		case Removed:
			if c.Before == nil || c.After != nil {
				t.Errorf("change %d: removed with wrong sides", k)
			}
		case Unchanged:
			if c.Before.Key() != c.After.Key() || c.Before.Text != c.After.Text || c.Words != nil {
				t.Errorf("change %d: unchanged pair differs: %q vs %q", k, c.Before.Text, c.After.Text)
			}
		case Changed, Moved:
			if c.Before == nil || c.After == nil {
				t.Fatalf("change %d: %s without both sides", k, c.Op)
			}
			if c.Op == Changed && c.Before.Key() == c.After.Key() && c.Before.Text == c.After.Text {
				t.Errorf("change %d: changed pair is identical", k)
			}
			if (c.Before.Text != c.After.Text) != (c.Words != nil) {
				t.Errorf("change %d: Words set %v for texts %q -> %q", k, c.Words != nil, c.Before.Text, c.After.Text)
			}
			if c.Words != nil {
				checkRebuild(t, c.Before.Text, c.After.Text, c.Words)
			}
		default:
			t.Errorf("change %d: unknown op %q", k, c.Op)
		}
	}
	for i, n := range seenB {
		if n != 1 {
			t.Errorf("before[%d] appears %d times", i, n)
		}
	}
	for j, n := range seenA {
		if n != 1 {
			t.Errorf("after[%d] appears %d times", j, n)
		}
	}
}

func TestClauses(t *testing.T) {
	base := []terms.Clause{
		para("Terms > 1. Accounts", "You must be at least eighteen years old to open an account with us."),
		para("Terms > 1. Accounts", "Keep your password to yourself and tell us about any misuse."),
		para("Terms > 2. Content", "Content you submit stays yours, and we use it only to run the service."),
		item("Terms > 2. Content", "We keep chats for 30 days after you delete them."),
		para("Terms > 3. Fees", "Paid plans renew each month until you cancel them in settings."),
	}
	with := func(edit func(cs []terms.Clause) []terms.Clause) []terms.Clause {
		cp := append([]terms.Clause(nil), base...)
		for k := range cp {
			cp[k].Path = append([]string(nil), cp[k].Path...)
		}
		return edit(cp)
	}

	tests := []struct {
		name          string
		before, after []terms.Clause
		want          []string
		check         func(t *testing.T, cs []Change)
	}{
		{
			name:   "identical documents are all unchanged",
			before: base, after: base,
			want: []string{"unchanged 0->0", "unchanged 1->1", "unchanged 2->2", "unchanged 3->3", "unchanged 4->4"},
		},
		{
			name:   "both empty",
			before: nil, after: nil,
			want: []string{},
		},
		{
			name:   "everything added",
			before: nil, after: base[:2],
			want: []string{"added -1->0", "added -1->1"},
		},
		{
			name:   "everything removed",
			before: base[:2], after: nil,
			want: []string{"removed 0->-1", "removed 1->-1"},
		},
		{
			name:   "one word changed",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				cs[3].Text = "We keep chats for 90 days after you delete them."
				return cs
			}),
			want: []string{"unchanged 0->0", "unchanged 1->1", "unchanged 2->2", "changed 3->3", "unchanged 4->4"},
			check: func(t *testing.T, cs []Change) {
				want := []Segment{{Equal, "We keep chats for "}, {Delete, "30"}, {Insert, "90"}, {Equal, " days after you delete them."}}
				if d := cmp.Diff(want, cs[3].Words); d != "" {
					t.Errorf("words (-want +got):\n%s", d)
				}
			},
		},
		{
			name:   "clause added in the middle",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				return append(cs[:3], append([]terms.Clause{para("Terms > 2. Content", "We may show your public posts to other users.")}, cs[3:]...)...)
			}),
			want: []string{"unchanged 0->0", "unchanged 1->1", "unchanged 2->2", "added -1->3", "unchanged 3->4", "unchanged 4->5"},
		},
		{
			name:   "clause removed stays where it was",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				return append(cs[:1], cs[2:]...)
			}),
			want: []string{"unchanged 0->0", "removed 1->-1", "unchanged 2->1", "unchanged 3->2", "unchanged 4->3"},
		},
		{
			name:   "first clause removed leads the list",
			before: base,
			after:  with(func(cs []terms.Clause) []terms.Clause { return cs[1:] }),
			want:   []string{"removed 0->-1", "unchanged 1->0", "unchanged 2->1", "unchanged 3->2", "unchanged 4->3"},
		},
		{
			name:   "removed then added at the same place",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				cs[4] = para("Terms > 4. Law", "These terms follow the law of the place where we are based.")
				return cs
			}),
			want: []string{"unchanged 0->0", "unchanged 1->1", "unchanged 2->2", "unchanged 3->3", "removed 4->-1", "added -1->4"},
		},
		{
			name:   "section swapped with another is moved, not removed and added",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				// 3. Fees now comes before 1. Accounts and 2. Content.
				return []terms.Clause{cs[4], cs[0], cs[1], cs[2], cs[3]}
			}),
			want: []string{"moved 4->0", "unchanged 0->1", "unchanged 1->2", "unchanged 2->3", "unchanged 3->4"},
		},
		{
			name:   "two sections swapped: the smaller one moves",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				return []terms.Clause{cs[2], cs[3], cs[0], cs[1], cs[4]}
			}),
			want: []string{"moved 2->0", "moved 3->1", "unchanged 0->2", "unchanged 1->3", "unchanged 4->4"},
		},
		{
			name:   "moved and reworded",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				cs[4].Text = "Paid plans renew each year until you cancel them in settings."
				return []terms.Clause{cs[4], cs[0], cs[1], cs[2], cs[3]}
			}),
			want: []string{"moved 4->0", "unchanged 0->1", "unchanged 1->2", "unchanged 2->3", "unchanged 3->4"},
			check: func(t *testing.T, cs []Change) {
				want := []Segment{{Equal, "Paid plans renew each "}, {Delete, "month"}, {Insert, "year"}, {Equal, " until you cancel them in settings."}}
				if d := cmp.Diff(want, cs[0].Words); d != "" {
					t.Errorf("words (-want +got):\n%s", d)
				}
			},
		},
		{
			name:   "heading renamed, text the same",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				cs[4].Path[1] = "3. Payments"
				return cs
			}),
			want: []string{"unchanged 0->0", "unchanged 1->1", "unchanged 2->2", "unchanged 3->3", "changed 4->4"},
			check: func(t *testing.T, cs []Change) {
				if !cs[4].PathChanged() || cs[4].Words != nil {
					t.Errorf("want a path-only change, got PathChanged=%v Words=%v", cs[4].PathChanged(), cs[4].Words)
				}
			},
		},
		{
			name:   "every heading renumbered",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				for k := range cs {
					cs[k].Path[1] = "§ " + cs[k].Path[1]
				}
				return cs
			}),
			want: []string{"changed 0->0", "changed 1->1", "changed 2->2", "changed 3->3", "changed 4->4"},
		},
		{
			name:   "heading renamed and text reworded matched by similarity",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				cs[2] = para("Terms > 2. Your materials", "Content you submit stays yours, and we use it only to operate the service.")
				return cs
			}),
			want: []string{"unchanged 0->0", "unchanged 1->1", "changed 2->2", "unchanged 3->3", "unchanged 4->4"},
			check: func(t *testing.T, cs []Change) {
				if !cs[2].PathChanged() || cs[2].Words == nil {
					t.Errorf("want path and words changed, got PathChanged=%v Words=%v", cs[2].PathChanged(), cs[2].Words)
				}
			},
		},
		{
			name:   "unrelated text under a new heading is not matched",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				cs[0] = para("Terms > 1. Eligibility", "Children may not sign up for the service at all.")
				return cs
			}),
			want: []string{"removed 0->-1", "added -1->0", "unchanged 1->1", "unchanged 2->2", "unchanged 3->3", "unchanged 4->4"},
		},
		{
			name:   "paragraph moved to another section",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				moved := para("Terms > 3. Fees", cs[1].Text)
				return []terms.Clause{cs[0], cs[2], cs[3], cs[4], moved}
			}),
			want: []string{"unchanged 0->0", "unchanged 2->1", "unchanged 3->2", "unchanged 4->3", "moved 1->4"},
		},
		{
			name:   "kind changed only",
			before: base,
			after: with(func(cs []terms.Clause) []terms.Clause {
				cs[3].Kind = terms.KindParagraph
				return cs
			}),
			want: []string{"unchanged 0->0", "unchanged 1->1", "unchanged 2->2", "changed 3->3", "unchanged 4->4"},
		},
		{
			name: "same heading: removed paragraph and edited one are told apart",
			before: []terms.Clause{
				para("Privacy > Retention", "We keep account data while your account is open."),
				para("Privacy > Retention", "Backups are erased on a rolling schedule of a few weeks."),
				para("Privacy > Retention", "Safety records may be kept for up to two years."),
			},
			after: []terms.Clause{
				para("Privacy > Retention", "We keep account data while your account is open."),
				para("Privacy > Retention", "Safety records may be kept for up to seven years."),
			},
			want: []string{"unchanged 0->0", "removed 1->-1", "changed 2->1"},
		},
		{
			name: "same heading: an unrelated rewrite is still the same clause",
			before: []terms.Clause{
				para("Privacy > Contact", "Write to our privacy team by post."),
			},
			after: []terms.Clause{
				para("Privacy > Contact", "Use the form in your settings page instead."),
			},
			want: []string{"changed 0->0"},
		},
		{
			name: "duplicate identical clauses pair first with first",
			before: []terms.Clause{
				para("FAQ > Answer", "Yes."),
				para("FAQ > Answer", "Yes."),
				para("FAQ > Other", "See the help center."),
			},
			after: []terms.Clause{
				para("FAQ > Answer", "Yes."),
				para("FAQ > Other", "See the help center."),
			},
			want: []string{"unchanged 0->0", "removed 1->-1", "unchanged 2->1"},
		},
		{
			name: "duplicate identical clause added",
			before: []terms.Clause{
				para("FAQ > Answer", "Yes."),
				para("FAQ > Other", "See the help center."),
			},
			after: []terms.Clause{
				para("FAQ > Answer", "Yes."),
				para("FAQ > Answer", "Yes."),
				para("FAQ > Other", "See the help center."),
			},
			want: []string{"unchanged 0->0", "added -1->1", "unchanged 1->2"},
		},
		{
			name: "duplicate texts under renamed headings match in order",
			before: []terms.Clause{
				para("A", "Not applicable to this plan."),
				para("B", "Not applicable to this plan."),
			},
			after: []terms.Clause{
				para("A2", "Not applicable to this plan."),
				para("B2", "Not applicable to this plan."),
			},
			want: []string{"changed 0->0", "changed 1->1"},
		},
		{
			name: "empty headings without text are not matched by similarity",
			before: []terms.Clause{
				{Path: []string{"Old heading"}, Kind: terms.KindHeading},
			},
			after: []terms.Clause{
				{Path: []string{"New heading"}, Kind: terms.KindHeading},
			},
			want: []string{"removed 0->-1", "added -1->0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Clauses(tt.before, tt.after)
			checkInvariants(t, tt.before, tt.after, cs)
			if d := cmp.Diff(tt.want, ops(cs)); d != "" {
				t.Errorf("alignment (-want +got):\n%s", d)
			}
			if tt.check != nil {
				tt.check(t, cs)
			}
			if d := cmp.Diff(ops(cs), ops(Clauses(tt.before, tt.after))); d != "" {
				t.Errorf("second run differs:\n%s", d)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name  string
		cs    []Change
		want  Summary
		str   string
		empty bool
	}{
		{"nothing", nil, Summary{}, "0 changed, 0 added, 0 removed, 0 moved", true},
		{"only unchanged", []Change{{Op: Unchanged}, {Op: Unchanged}}, Summary{Unchanged: 2}, "0 changed, 0 added, 0 removed, 0 moved", true},
		{
			"mixed",
			[]Change{{Op: Changed}, {Op: Changed}, {Op: Added}, {Op: Moved}, {Op: Unchanged}},
			Summary{Unchanged: 1, Changed: 2, Added: 1, Moved: 1},
			"2 changed, 1 added, 0 removed, 1 moved", false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.cs)
			if got != tt.want {
				t.Errorf("Summarize = %+v, want %+v", got, tt.want)
			}
			if got.String() != tt.str {
				t.Errorf("String = %q, want %q", got.String(), tt.str)
			}
			if got.Empty() != tt.empty {
				t.Errorf("Empty = %v, want %v", got.Empty(), tt.empty)
			}
		})
	}
}

func TestLongestIncreasing(t *testing.T) {
	tests := []struct {
		name string
		seq  []int
		want []int // positions
	}{
		{"empty", nil, nil},
		{"sorted", []int{0, 1, 2}, []int{0, 1, 2}},
		{"one moved to front", []int{4, 0, 1, 2, 3}, []int{1, 2, 3, 4}},
		{"swap of equal halves keeps the smaller values", []int{2, 3, 0, 1}, []int{2, 3}},
		{"reversed", []int{3, 2, 1}, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, longestIncreasing(tt.seq)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// synthDoc builds a document of n clauses in sections of ten, with text
// drawn from a small vocabulary by a seeded generator.
func synthDoc(n int, seed uint64) []terms.Clause {
	words := strings.Fields("we you your data account service content may will not use keep store share delete days months request law safety model train improve provide support team plan settings")
	r := rand.New(rand.NewPCG(seed, 1))
	cs := make([]terms.Clause, n)
	for i := range cs {
		k := 8 + r.IntN(25)
		ws := make([]string, k)
		for w := range ws {
			ws[w] = words[r.IntN(len(words))]
		}
		cs[i] = terms.Clause{
			Path: []string{"Synthetic terms", fmt.Sprintf("%d. Section %d", i/10+1, i/10+1)},
			Kind: terms.KindParagraph,
			Text: fmt.Sprintf("Clause %d: %s.", i, strings.Join(ws, " ")),
		}
	}
	return cs
}

// fiveEdits returns a copy of doc with five clauses edited: two reworded,
// one removed, one added, one heading renamed.
func fiveEdits(doc []terms.Clause) []terms.Clause {
	out := append([]terms.Clause(nil), doc...)
	out[100].Text += " Extra words here."
	out[300].Text = strings.Replace(out[300].Text, "Clause", "Article", 1)
	out[450].Path = []string{"Synthetic terms", "Renamed section"}
	out = append(out[:200], out[201:]...)
	added := terms.Clause{Path: []string{"Synthetic terms", "New"}, Kind: terms.KindParagraph, Text: "A brand new clause about something else entirely."}
	return append(out[:500], append([]terms.Clause{added}, out[500:]...)...)
}

// oneHeading returns doc with every clause under one heading and every
// tenth clause reworded, as the after version.
func oneHeading(doc []terms.Clause) (before, after []terms.Clause) {
	before = append([]terms.Clause(nil), doc...)
	for i := range before {
		before[i].Path = []string{"Synthetic terms"}
	}
	after = append([]terms.Clause(nil), before...)
	for i := 0; i < len(after); i += 10 {
		after[i].Text += " Reworded."
	}
	return before, after
}

func TestClausesSynthetic(t *testing.T) {
	doc := synthDoc(600, 7)
	oneB, oneA := oneHeading(doc)
	tests := []struct {
		name          string
		before, after []terms.Clause
		want          Summary
		inPlace       bool // every pair keeps its index
	}{
		{"five edits", doc, fiveEdits(doc), Summary{Unchanged: 596, Changed: 3, Added: 1, Removed: 1}, false},
		{"one heading, every tenth reworded", oneB, oneA, Summary{Unchanged: 540, Changed: 60}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Clauses(tt.before, tt.after)
			checkInvariants(t, tt.before, tt.after, cs)
			if got := Summarize(cs); got != tt.want {
				t.Errorf("Summarize = %+v, want %+v", got, tt.want)
			}
			for _, c := range cs {
				if tt.inPlace && c.BeforeIndex != c.AfterIndex {
					t.Errorf("%s pair %d->%d crosses positions", c.Op, c.BeforeIndex, c.AfterIndex)
				}
			}
		})
	}
}

// TestClausesSimilarityCap forces the capped similarity pass: every heading
// is renamed and every text reworded, so nothing matches before pass 4 and
// the leftovers exceed maxSimilarityPairs.
func TestClausesSimilarityCap(t *testing.T) {
	before := synthDoc(400, 11)
	after := make([]terms.Clause, len(before))
	for i, c := range before {
		c.Path = []string{"Renamed", fmt.Sprintf("Part %d", i)}
		c.Text += " Reworded."
		after[i] = c
	}
	if len(before)*len(after) <= maxSimilarityPairs {
		t.Fatalf("test documents too small to exceed the cap")
	}
	cs := Clauses(before, after)
	checkInvariants(t, before, after, cs)
	s := Summarize(cs)
	if s.Changed != len(before) {
		t.Errorf("want all %d matched in place, got %v", len(before), s)
	}
}

func BenchmarkClauses(b *testing.B) {
	before := synthDoc(600, 7)
	after := fiveEdits(before)
	b.ReportAllocs()
	for b.Loop() {
		Clauses(before, after)
	}
}

// BenchmarkClausesOneHeading is the worst case of the same-heading pass: a
// page without headings (every clause under one key) with 60 reworded
// clauses.
func BenchmarkClausesOneHeading(b *testing.B) {
	before, after := oneHeading(synthDoc(600, 7))
	b.ReportAllocs()
	for b.Loop() {
		Clauses(before, after)
	}
}
