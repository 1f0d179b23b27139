package cli_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestImportOldLayout imports a page from before a redesign (no <main>,
// which the declaration selects) after a version of today's layout: it is
// read without selectors, and history says so. Then the live page turns
// into an empty shell: extraction-failed.
func TestImportOldLayout(t *testing.T) {
	s, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	dir := t.TempDir()
	now := fixture.ConsumerTerms(fixture.TrainingNever)
	old := now
	old.Layout = fixture.LandingPage
	imp := func(file, at string) (string, int) {
		t.Helper()
		_, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", at, writeFile(t, dir, file, old.HTML()))
		return errs, code
	}
	// Nothing to hold it against yet: refused.
	if errs, code := imp("old.html", "2025-06-01T00:00:00Z"); code != cli.ExitFailure || !strings.Contains(errs, `select "main" matched nothing`) {
		t.Fatalf("old layout first: exit %d, stderr %q; want 1 naming the selector", code, errs)
	}
	out, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", "2025-07-01T00:00:00Z", writeFile(t, dir, "now.html", now.HTML()))
	if code != cli.ExitOK && code != cli.ExitChanges {
		t.Fatalf("import today's layout: exit %d\n%s\n%s", code, out, errs)
	}
	if errs, code := imp("old.html", "2025-08-01T00:00:00Z"); code != cli.ExitOK && code != cli.ExitChanges {
		t.Fatalf("old layout after a version: exit %d\n%s", code, errs)
	}

	out, _, _ = r.run("history", "example-terms")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "EXTRACTED BY") || !strings.HasSuffix(lines[1], " select:main") || !strings.HasSuffix(lines[2], " auto") {
		t.Errorf("history does not say how each version was read:\n%s", out)
	}
	out, _, _ = r.run("history", "example-terms", "--format", "json")
	var vs []terms.Snapshot
	if err := json.Unmarshal([]byte(out), &vs); err != nil || len(vs) != 2 || vs[1].ExtractedBy != "auto" {
		t.Errorf("history as JSON: %v\n%s", err, out)
	}

	s.handle("/terms", func(w http.ResponseWriter, _ *http.Request) { w.Write(fixture.EmptyShell(1)) })
	// Its only source failing, the check exits 1.
	if out, errs, code := r.check(); code != cli.ExitFailure || !strings.Contains(out, "extraction: ") {
		t.Fatalf("check of an empty shell: exit %d\n%s\n%s", code, out, errs)
	}
	if evs := events(t, r, "--kind", terms.ExtractionFailed); len(evs) != 1 || evs[0].Source != "example-terms" {
		t.Errorf("extraction-failed events: %+v, want one", evs)
	}
}
