package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestProgressLine(t *testing.T) {
	src := terms.Source{ID: "acme-terms"}
	tests := []struct {
		done, total int
		o           pipeline.Outcome
		left        time.Duration
		want        string
	}{
		{0, 1000, pipeline.Outcome{}, 999 * time.Second, "[   0/1000] starting, about 16m39s left"},
		{3, 12, pipeline.Outcome{Source: src, Snapshot: terms.Snapshot{ID: 7}}, 9*time.Second + 400*time.Millisecond, "[ 3/12] acme-terms unchanged, about 9s left"},
		{3, 12, pipeline.Outcome{Source: src, Snapshot: terms.Snapshot{ID: 7}, NewVersion: true}, 2*time.Hour + 4*time.Minute + 40*time.Second, "[ 3/12] acme-terms new-version, about 2h05m left"},
		{12, 12, pipeline.Outcome{Source: src, Snapshot: terms.Snapshot{ID: 7}}, 0, "[12/12] acme-terms unchanged"},
		{1, 2, pipeline.Outcome{Source: src, Snapshot: terms.Snapshot{ID: 7}}, -time.Second, "[1/2] acme-terms unchanged, about 0s left"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.done, tt.total, tt.o, tt.left); got != tt.want {
			t.Errorf("progressLine(%d, %d, …, %s) = %q, want %q", tt.done, tt.total, tt.left, got, tt.want)
		}
	}
}

// TestCheckHelpSaysHowLong: check --help says that one host's pages are
// fetched one at a time with a pause, what 1,000 of them take, and that a
// declaration may set the pause.
func TestCheckHelpSaysHowLong(t *testing.T) {
	var out, errb bytes.Buffer
	err := Run(context.Background(), []string{"check", "--help"}, Env{Stdout: &out, Stderr: &errb, Now: time.Now})
	if ExitCode(err) != ExitOK {
		t.Fatalf("check --help: %v\n%s", err, errb.String())
	}
	help := strings.Join(strings.Fields(out.String()+errb.String()), " ")
	for _, want := range []string{"strictly serial", "1,000 pages on one host take over 1,000 s", "host_delay", "progress line says about how long the rest takes"} {
		if !strings.Contains(help, want) {
			t.Errorf("check --help does not say %q:\n%s", want, help)
		}
	}
}
