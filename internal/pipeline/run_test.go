package pipeline

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/schedule"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestCheckAllHostDelayAndEstimate: a source's declared host_delay is the
// pause of its host, and the progress callback is told how long the rest
// takes: before the first source and after each.
func TestCheckAllHostDelayAndEstimate(t *testing.T) {
	r := newRig(t)
	var srcs []terms.Source
	for i, id := range []string{"acme-a", "acme-b", "acme-c"} {
		s := terms.Source{ID: id, Vendor: "acme", URL: "https://acme.example/" + id, Select: []string{"main"}}
		if i == 1 {
			s.HostDelay = 5 * time.Second
		}
		srcs = append(srcs, s)
		r.pages.set(s.URL, html("We do not use your conversations to train our models."))
	}
	other := terms.Source{ID: "acme-other", Vendor: "acme", URL: "https://other.example/p", Select: []string{"main"}}
	r.pages.set(other.URL, html("We do not use your conversations to train our models."))
	srcs = append(srcs, other)

	var mu sync.Mutex
	var slept []time.Duration
	var lefts []time.Duration
	opts := RunOptions{
		Schedule: schedule.Options{Concurrency: 1, HostDelay: time.Second, Now: func() time.Time { return r.clock }, Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return nil
		}},
		Progress: func(done, total int, o Outcome, left time.Duration) {
			if total != len(srcs) || (done == 0) != (o.Source.ID == "") {
				t.Errorf("progress %d/%d for %q", done, total, o.Source.ID)
			}
			lefts = append(lefts, left)
		},
	}
	res := r.p.CheckAll(context.Background(), srcs, opts)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	// The pipeline's clock stands still: sources take no time, the pauses
	// are the whole estimate. acme.example: three sources, 5s apart.
	if want := []time.Duration{5 * time.Second, 5 * time.Second}; !slices.Equal(slept, want) {
		t.Errorf("pauses %v, want %v (the declared host_delay of acme.example)", slept, want)
	}
	if len(lefts) != len(srcs)+1 || lefts[0] != 10*time.Second || lefts[len(lefts)-1] != 0 {
		t.Errorf("estimates %v: want %d, the first 10s (two pauses of 5s), the last 0", lefts, len(srcs)+1)
	}
	for i := 1; i < len(lefts); i++ {
		if lefts[i] > lefts[i-1] {
			t.Errorf("estimates %v grow at %d with a clock that stands still", lefts, i)
		}
	}
}
