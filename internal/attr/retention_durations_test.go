package attr

import "testing"

// TestFindDurationsForms covers the duration forms retention reads that
// findDurations learned with the retention reader: hundreds in words,
// decimals, "and a half"; the older forms stay as they were.
func TestFindDurationsForms(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []int
	}{
		{"kept for one hundred and twenty days", []int{120}},
		{"kept for two hundred days", []int{200}},
		{"kept for a hundred days", []int{100}},
		{"kept for 2.5 years", []int{913}},
		{"kept for a year and a half", []int{548}},
		{"kept for 18 months and a half", []int{555}},
		{"kept for thirty (30) days", []int{30}},
		{"a 29-day period", []int{29}},
		{"discarded after 36 hours", []int{2}},
		{"between 30 and 90 days", []int{90}},
		{"version 1.5 of the API, kept 7 days", []int{7}},
	} {
		var got []int
		for _, d := range findDurations(normalize(tt.text)) {
			got = append(got, d.days)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("findDurations(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
