package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// A page that comes back with most of its text missing (a half-rendered
// page, a CDN hiccup) must not raise evidence-lost and value-changed
// events: it is held as suspect until the next fetch settles it.

const suspectID = "example-terms"

// longTerms is the consumer terms fixture with four more sections of six
// sentences each that state nothing about any attribute (our own words): a
// page of 38 sentences, nearer the size of a real terms page.
func longTerms(training string) fixture.Page {
	p := fixture.ConsumerTerms(training)
	topics := []string{"Community events", "Newsletters", "Gift cards", "Office visits"}
	for i, topic := range topics {
		sec := fixture.Section{Heading: topic}
		for j := 1; j <= 6; j++ {
			sec.Paras = append(sec.Paras, fixture.Para{Text: fmt.Sprintf("Notice %d of part %d is posted on the community board and read aloud at the next meeting.", j, i+1)})
		}
		p.Sections = append(p.Sections, sec)
	}
	return p
}

// shrunk is the consumer terms page with only its first n sections: a
// page whose <main> holds a part of its usual text.
func shrunk(p fixture.Page, n int) fixture.Page {
	p.Sections = p.Sections[:n]
	return p
}

// changesJSON returns every event recorded, as `changes --format json`
// prints them.
func changesJSON(t *testing.T, r *runner) []terms.Event {
	t.Helper()
	out, errs, code := r.run("changes", "--format", "json")
	if code != cli.ExitOK {
		t.Fatalf("changes: exit %d\n%s\n%s", code, out, errs)
	}
	var evs []terms.Event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("changes --format json: %v\n%s", err, out)
	}
	return evs
}

// checkStep runs check and returns its exit code and the events it wrote.
func checkStep(t *testing.T, r *runner) (int, string, []terms.Event) {
	t.Helper()
	out, errs, code := r.check("--format", "json")
	var res []struct {
		Status string
		Events []terms.Event
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
		t.Fatalf("check --format json: %v\n%s\n%s", err, out, errs)
	}
	return code, res[0].Status, res[0].Events
}

func eventKinds(evs []terms.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

// valueEvents are the events about cells: those a partial page must not
// raise.
func valueEvents(evs []terms.Event) []string {
	var out []string
	for _, e := range evs {
		switch e.Kind {
		case terms.ValueChanged, terms.EvidenceLost, terms.BaselineDrift, terms.EvidenceFound, terms.DriftResolved:
			out = append(out, e.Kind+" "+e.Tier+"/"+e.Attribute)
		}
	}
	return out
}

type observedRow struct {
	Tier, Attribute string
	Observed        any
}

func observed(t *testing.T, r *runner) string {
	t.Helper()
	out, errs, code := r.run("status", "--format", "json")
	if code != cli.ExitOK {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, errs)
	}
	var rows []observedRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("status --format json: %v\n%s", err, out)
	}
	var b strings.Builder
	for _, row := range rows {
		fmt.Fprintf(&b, "%s/%s=%v\n", row.Tier, row.Attribute, row.Observed)
	}
	return b.String()
}

func TestPartialPageIsHeldThenDismissed(t *testing.T) {
	for _, keep := range []int{1, 5} { // about a tenth, and two fifths, of the page's sentences
		t.Run(fmt.Sprintf("%d sections", keep), func(t *testing.T) {
			s, srv := newSite(t)
			full := longTerms(fixture.TrainingNever)
			s.page("/terms", full)
			r := newRunner(t, srv, "/terms")
			if code, _, _ := checkStep(t, r); code != cli.ExitOK {
				t.Fatalf("first check: exit %d", code)
			}
			before := observed(t, r)

			s.page("/terms", shrunk(full, keep))
			code, status, evs := checkStep(t, r)
			if code != cli.ExitChanges || status != "held-suspect" {
				t.Errorf("partial page: exit %d, status %q; want 3, held-suspect", code, status)
			}
			if got := eventKinds(evs); len(got) != 1 || got[0] != terms.ExtractionSuspect || evs[0].Severity != terms.High {
				t.Fatalf("partial page: events %v, want one extraction-suspect (high)", got)
			}
			if !strings.Contains(evs[0].Detail, "recheck "+suspectID+" --accept") {
				t.Errorf("the event does not say how to accept the page: %q", evs[0].Detail)
			}
			if got := observed(t, r); got != before {
				t.Errorf("status changed while the page is held:\n%s\nwant\n%s", got, before)
			}
			out, _, _ := r.run("status")
			if !strings.Contains(out, "held as suspect") || !strings.Contains(out, suspectID) {
				t.Errorf("status does not note the held page:\n%s", out)
			}
			out, _, _ = r.run("history", suspectID)
			if !strings.Contains(out, "held as suspect") || strings.Count(out, "\n") != 3 {
				t.Errorf("history does not list the held page, marked, after the version:\n%s", out)
			}

			s.page("/terms", full)
			code, status, evs = checkStep(t, r)
			if code != cli.ExitOK || status != "unchanged" {
				t.Errorf("the page whole again: exit %d, status %q; want 0, unchanged", code, status)
			}
			if got := eventKinds(evs); len(got) != 1 || got[0] != terms.Recovered || !strings.Contains(evs[0].Detail, "dismissed") {
				t.Errorf("the page whole again: events %v (%+v), want one recovered that says the held page is dismissed", got, evs)
			}
			all := changesJSON(t, r)
			if v := valueEvents(all); len(v) != 0 {
				t.Errorf("a partial page raised cell events: %v", v)
			}
			if got := eventKinds(all); strings.Join(got, ",") != "extraction-suspect,recovered" && strings.Join(got, ",") != "recovered,extraction-suspect" {
				t.Errorf("events recorded: %v, want one extraction-suspect and one recovered", got)
			}
			if sn, v := counts(t, r.db, suspectID); sn != 3 || v != 1 {
				t.Errorf("%d snapshots, %d versions; want 3 (the partial page kept), 1", sn, v)
			}
			out, _, _ = r.run("history", suspectID, "--all")
			if !strings.Contains(out, "suspect, dismissed") {
				t.Errorf("history --all does not mark the dismissed page:\n%s", out)
			}
			if got := observed(t, r); got != before {
				t.Errorf("status after the dismissal:\n%s\nwant\n%s", got, before)
			}
		})
	}
}

// The same shrunken page twice: the page really shrank. It is accepted on
// the second fetch and its events are raised then, exactly once.
func TestShrunkenPageConfirmedBySecondFetch(t *testing.T) {
	s, srv := newSite(t)
	full := longTerms(fixture.TrainingNever)
	s.page("/terms", full)
	r := newRunner(t, srv, "/terms")
	checkStep(t, r)
	s.page("/terms", shrunk(full, 1))
	if _, status, _ := checkStep(t, r); status != "held-suspect" {
		t.Fatalf("first partial fetch: status %q", status)
	}
	code, status, evs := checkStep(t, r)
	if code != cli.ExitChanges || status != "new-version" {
		t.Errorf("second partial fetch: exit %d, status %q; want 3, new-version", code, status)
	}
	lost := valueEvents(evs)
	if len(lost) == 0 || !contains(lost, "evidence-lost consumer/training") {
		t.Fatalf("second partial fetch: cell events %v, want the lost training evidence among them", lost)
	}
	held := evs[0].After.Snapshot
	for _, e := range evs {
		if e.After == nil || e.After.Snapshot != held {
			t.Errorf("event %s %s/%s points at snapshot %v, want the held page %d", e.Kind, e.Tier, e.Attribute, e.After, held)
		}
	}
	for i := range 2 {
		if code, status, evs := checkStep(t, r); code != cli.ExitOK || status != "unchanged" || len(evs) != 0 {
			t.Errorf("fetch %d after the acceptance: exit %d, status %q, events %v", i, code, status, eventKinds(evs))
		}
	}
	all := valueEvents(changesJSON(t, r))
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e] {
			t.Errorf("%s raised twice", e)
		}
		seen[e] = true
	}
	if len(all) != len(lost) {
		t.Errorf("cell events recorded %v, want exactly the accepting fetch's %v", all, lost)
	}
	out, _, _ := r.run("history", suspectID)
	if !strings.Contains(out, "suspect, accepted") || strings.Count(out, "\n") != 3 {
		t.Errorf("history: want the version and the accepted page, marked:\n%s", out)
	}
	out, _, _ = r.run("status")
	if strings.Contains(out, "held as suspect") {
		t.Errorf("status still notes a held page:\n%s", out)
	}
}

func TestRecheckAccept(t *testing.T) {
	s, srv := newSite(t)
	full := longTerms(fixture.TrainingNever)
	s.page("/terms", full)
	r := newRunner(t, srv, "/terms")
	checkStep(t, r)

	out, errs, code := r.run("recheck", suspectID, "--accept")
	if code != cli.ExitFailure || !strings.Contains(errs, "no page of "+suspectID+" is held as suspect") {
		t.Errorf("accept with nothing held: exit %d, want 1 and a clear error\n%s\n%s", code, out, errs)
	}

	s.page("/terms", shrunk(full, 1))
	out, errs, code = r.run("recheck", suspectID)
	if code != cli.ExitChanges || !strings.Contains(out, "held-suspect") || !strings.Contains(out, "--accept") {
		t.Errorf("recheck of a partial page: exit %d\n%s\n%s", code, out, errs)
	}
	s.failing("/terms")
	out, _, _ = r.run("recheck", suspectID, "--retries", "0")
	if !strings.Contains(out, "held as suspect") {
		t.Errorf("recheck does not say a page is still held:\n%s", out)
	}

	out, errs, code = r.run("recheck", suspectID, "--accept")
	if code != cli.ExitChanges || !strings.Contains(out, "accepted") || !strings.Contains(out, "evidence-lost") {
		t.Errorf("recheck --accept: exit %d, want 3 and the accepted page's events\n%s\n%s", code, out, errs)
	}
	lost := valueEvents(changesJSON(t, r))
	if !contains(lost, "evidence-lost consumer/training") {
		t.Errorf("after the accept: cell events %v", lost)
	}
	if _, v := counts(t, r.db, suspectID); v != 2 {
		t.Errorf("%d versions after the accept, want 2", v)
	}
	if _, errs, code = r.run("recheck", suspectID, "--accept"); code != cli.ExitFailure || !strings.Contains(errs, "nothing to accept") {
		t.Errorf("a second accept: exit %d\n%s", code, errs)
	}
}

// A page legitimately shortened by a clause or two is no suspect: its
// changes are raised at once.
func TestShortenedPageIsNoSuspect(t *testing.T) {
	s, srv := newSite(t)
	full := longTerms(fixture.TrainingNever)
	s.page("/terms", full)
	r := newRunner(t, srv, "/terms")
	checkStep(t, r)
	short := full
	short.Sections = append([]fixture.Section{}, full.Sections[:len(full.Sections)-1]...) // the last section dropped: 6 of 38 sentences
	short.Sections[2].Paras = append([]fixture.Para{}, short.Sections[2].Paras...)
	short.Sections[2].Paras[1].Text = fixture.TrainingOptOut
	s.page("/terms", short)
	code, status, evs := checkStep(t, r)
	if code != cli.ExitChanges || status != "new-version" {
		t.Errorf("shortened page: exit %d, status %q; want 3, new-version", code, status)
	}
	if got := eventKinds(evs); contains(got, terms.ExtractionSuspect) || !contains(valueEvents(evs), "value-changed consumer/training") {
		t.Errorf("shortened page: events %v, want the training change and no suspect", got)
	}
}

// A real relaunch that drops most of a page's sentences but brings more
// of its own is a rewrite, not a partial page: it is compared at once.
func TestRealRewriteIsNoSuspect(t *testing.T) {
	latest := filepath.Join(corpusDir, "latest")
	if _, err := os.Stat(latest); err != nil {
		t.Skipf("no real pages to read: %s is absent (it sits beside the repository on the project's machines)", latest)
	}
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: "", now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	for _, p := range []struct{ file, at, want string }{
		{"Mistral AI/Terms of Service.html", "2025-07-31T12:34:45Z", "first-version"},
		{"Le Chat/Terms of Service #terms-eu-consumers-terms-of-service.html", "2026-07-09T22:33:18Z", "new-version"},
	} {
		out, errs, code := r.run("import", "--format", "json", "--source", "mistral-consumer-terms", "--fetched-at", p.at, filepath.Join(latest, p.file))
		var res struct{ Status string }
		if err := json.Unmarshal([]byte(out), &res); err != nil || (code != cli.ExitOK && code != cli.ExitChanges) {
			t.Fatalf("import %s: exit %d, %v\n%s\n%s", p.file, code, err, out, errs)
		}
		if res.Status != p.want {
			t.Errorf("import %s: status %q, want %q", p.file, res.Status, p.want)
		}
	}
}
