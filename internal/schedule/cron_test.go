package schedule

import (
	"testing"
	"time"
)

func TestCronNext(t *testing.T) {
	base := time.Date(2026, 11, 26, 17, 42, 30, 0, time.UTC) // a Thursday
	cases := []struct {
		expr string
		want string
	}{
		{"* * * * *", "2026-11-26T17:43"},
		{"0 * * * *", "2026-11-26T18:00"},
		{"*/15 * * * *", "2026-11-26T17:45"},
		{"0 6 * * *", "2026-11-27T06:00"},
		{"30 2 * * 1", "2026-11-30T02:30"},     // next Monday
		{"0 0 1 * *", "2026-12-01T00:00"},      // first of the month
		{"0 0 * * 0", "2026-11-29T00:00"},      // Sunday as 0
		{"0 0 * * 7", "2026-11-29T00:00"},      // Sunday as 7
		{"0 9 1 * 5", "2026-11-27T09:00"},      // day of month OR day of week
		{"0 0 29 2 *", "2028-02-29T00:00"},     // leap day
		{"0 8-18/5 * * *", "2026-11-26T18:00"}, // 8, 13, 18
		{"0,30 17 * * *", "2026-11-27T17:00"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			cr, err := ParseCron(c.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := cr.Next(base).Format("2006-01-02T15:04"); got != c.want {
				t.Errorf("Next = %s, want %s", got, c.want)
			}
		})
	}
	if got := mustCron(t, "0 0 30 2 *").Next(base); !got.IsZero() {
		t.Errorf("30 February matched %v", got)
	}
}

func mustCron(t *testing.T, expr string) Cron {
	c, err := ParseCron(expr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseCronErrors(t *testing.T) {
	for _, expr := range []string{"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
		"*/0 * * * *", "5-1 * * * *", "a * * * *", "* * * * * *"} {
		if _, err := ParseCron(expr); err == nil {
			t.Errorf("ParseCron(%q) accepted", expr)
		}
	}
}
