package schedule

import (
	"testing"
	"time"
)

func TestEstimate(t *testing.T) {
	s := time.Second
	tests := []struct {
		name        string
		hosts       []Load
		per         time.Duration
		concurrency int
		want        time.Duration
	}{
		{"nothing left", nil, s, 4, 0},
		{"hosts with nothing left", []Load{{Items: 0, Delay: s, Ran: true}}, s, 4, 0},
		{"1,000 pages on one host, the defaults, instant fetches", []Load{{Items: 1000, Delay: s}}, 0, 4, 999 * s},
		{"1,000 pages on one host, 200ms fetches", []Load{{Items: 1000, Delay: s}}, 200 * time.Millisecond, 4, 999*s + 200*s},
		{"mid-run: the next item waits its pause too", []Load{{Items: 10, Delay: s, Ran: true}}, 0, 4, 10 * s},
		{"the busiest host decides", []Load{{Items: 10, Delay: 2 * s}, {Items: 3, Delay: s}}, 0, 4, 18 * s},
		{"many hosts, one page each: the slots decide", manyHosts(100, 1, s), 2 * s, 4, 50 * s},
		{"no pause", []Load{{Items: 8, Delay: 0}}, s, 4, 8 * s},
		{"a negative pause is none, a negative time zero", []Load{{Items: 8, Delay: -s}}, -s, 4, 0},
		{"zero concurrency is the default", manyHosts(8, 1, 0), s, 0, 2 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Estimate(tt.hosts, tt.per, tt.concurrency); got != tt.want {
				t.Errorf("Estimate = %s, want %s", got, tt.want)
			}
		})
	}
}

func manyHosts(n, items int, delay time.Duration) []Load {
	out := make([]Load, n)
	for i := range out {
		out[i] = Load{Items: items, Delay: delay}
	}
	return out
}

func TestDelay(t *testing.T) {
	o := Options{HostDelay: 3 * time.Second, HostDelays: map[string]time.Duration{"slow.example": 10 * time.Second, "own.example": 0}}
	for host, want := range map[string]time.Duration{"slow.example": 10 * time.Second, "own.example": 0, "other.example": 3 * time.Second} {
		if got := o.Delay(host); got != want {
			t.Errorf("Delay(%s) = %s, want %s", host, got, want)
		}
	}
	if got := (Options{}).Delay("x"); got != DefaultHostDelay {
		t.Errorf("zero Options: Delay = %s, want the default %s", got, DefaultHostDelay)
	}
	if got := (Options{HostDelay: -1}).Delay("x"); got != 0 {
		t.Errorf("negative HostDelay: Delay = %s, want 0", got)
	}
}
