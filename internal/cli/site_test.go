package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	static "github.com/clausewatch/clausewatch/internal/site"
)

// siteBaseline documents a few cells of timelineDecl's vendor, in our
// words, so that the grid shows agreement, drift and silence.
const siteBaseline = `vendor: example
analysis: "Example AI guide (test fixture)"
tiers:
  consumer:
    training: {value: never, note: "Consumer section: the guide says chats are never used"}
    retention: {value: {default: 30}, note: "Consumer section: thirty days"}
  team:
    hipaa-baa: {value: available, note: "Team section: BAA on request"}
  enterprise:
    hipaa-baa: {value: available, note: "Enterprise section: BAA on request"}
    security: {value: [iso27001, soc2-type2], note: "Enterprise section: certifications"}
`

// siteHistory builds a database of our fixture pages through import, as
// TestTimeline does: a first version of each page, then the consumer
// training default flips, retention gains a training scope, the BAA page
// drops the Team plan and a certification goes, with noise in between.
func siteHistory(t *testing.T) *runner {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(timelineDecl), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "baselines"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "baselines", "example.yaml"), []byte(siteBaseline), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: dir, now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	pages := t.TempDir()
	certs := []string{"SOC 2 Type II", "ISO/IEC 27001:2022", "ISO/IEC 42001:2023"}
	state := map[string]fixture.Page{
		"example-terms":     fixture.ConsumerTerms(fixture.TrainingNever),
		"example-retention": fixture.RetentionArticle(false),
		"example-baa":       fixture.BAAArticle(true),
		"example-security":  fixture.SecurityPage(certs...),
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	seq := uint64(0)
	imp := func(id string) {
		t.Helper()
		seq++
		at = at.Add(24 * time.Hour)
		p := state[id]
		p.Noise = seq
		file := filepath.Join(pages, fmt.Sprintf("%s-%d.html", id, seq))
		if err := os.WriteFile(file, p.HTML(), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, errs, code := r.run("import", "--source", id, "--fetched-at", at.Format(time.RFC3339), file); code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("import %s: exit %d\n%s\n%s", id, code, out, errs)
		}
	}
	for _, id := range []string{"example-terms", "example-retention", "example-baa", "example-security"} {
		imp(id)
	}
	imp("example-terms") // noise only
	state["example-terms"] = fixture.ConsumerTerms(fixture.TrainingOptOut)
	imp("example-terms")
	state["example-retention"] = fixture.RetentionArticle(true)
	imp("example-retention")
	state["example-baa"] = fixture.BAAArticle(false)
	imp("example-baa")
	state["example-security"] = fixture.SecurityPage(certs[:2]...)
	imp("example-security")
	return r
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSiteCommand(t *testing.T) {
	r := siteHistory(t)
	out := filepath.Join(t.TempDir(), "public")
	if stdout, errs, code := r.run("site", "--out", out); code != cli.ExitOK || !strings.Contains(stdout, out) {
		t.Fatalf("site: exit %d\n%s\n%s", code, stdout, errs)
	}

	index := readFile(t, filepath.Join(out, "index.html"))
	for _, want := range []string{
		`<th scope="col">Consumer</th><th scope="col">Team</th><th scope="col">Enterprise</th>`,
		`class="cell a-drift" id="cell-example-team-hipaa-baa"`, "no BAA", "✗ DRIFT", "Team section: BAA on request",
		`class="cell a-conflict" id="cell-example-consumer-training"`, "The pages disagree",
		"opt-out: used unless you turn it off", "never used for training", "Consumer section: the guide says chats are never used",
		"Example AI guide (test fixture)",
		`href="https://example.test/terms#:~:text=`,
		`href="sources/example-terms.html"`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, a := range []string{"agrees", "drift", "conflict", "unverified", "undocumented", "unknown", "not-observed"} {
		if !strings.Contains(index, `<span class="badge a-`+a+`">`) {
			t.Errorf("the legend lacks %s", a)
		}
	}
	if strings.Contains(index, "http://") || strings.Contains(index, "//cdn") || strings.Contains(index, `src="http`) {
		t.Errorf("index.html refers to the network")
	}

	timeline := readFile(t, filepath.Join(out, "timeline.html"))
	if n := strings.Count(timeline, `<li class="change`); n == 0 {
		t.Fatalf("timeline lists no change")
	}
	// The security page's edit moved team and enterprise: listed once, with both tiers.
	if !strings.Contains(timeline, `data-tiers="team enterprise"`) && !strings.Contains(timeline, `data-tiers="enterprise team"`) {
		t.Errorf("timeline does not fold the security change of team and enterprise into one entry")
	}
	if !strings.Contains(timeline, "<del>") || !strings.Contains(timeline, "<ins>") {
		t.Errorf("timeline has no word diff")
	}

	src := readFile(t, filepath.Join(out, "sources", "example-terms.html"))
	if !strings.Contains(src, "diff from the version before") || !strings.Contains(src, `id="picker"`) {
		t.Errorf("source page lacks its diffs or picker:\n%s", src)
	}
	diffs, _ := filepath.Glob(filepath.Join(out, "sources", "example-terms", "diff-*.html"))
	versions, _ := filepath.Glob(filepath.Join(out, "sources", "example-terms", "v-*.html"))
	if len(versions) != 2 || len(diffs) != 1 {
		t.Errorf("example-terms: %d version pages, %d diffs; want 2 and 1 (the noise-only import is no version)", len(versions), len(diffs))
	}

	// Feeds: one per vendor and tier, each with its own id.
	ids := map[string]string{}
	feeds, _ := filepath.Glob(filepath.Join(out, "feeds", "*.atom"))
	tiers, _ := filepath.Glob(filepath.Join(out, "feeds", "*", "*.atom"))
	for _, f := range append(feeds, tiers...) {
		var feed struct {
			ID      string `xml:"id"`
			Entries []struct {
				ID string `xml:"id"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(readFile(t, f)), &feed); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if other, dup := ids[feed.ID]; dup {
			t.Errorf("%s and %s share the feed id %s", f, other, feed.ID)
		}
		ids[feed.ID] = f
	}
	if len(ids) != 5 { // every change, the vendor, its three tiers
		t.Errorf("feeds %v: want 5", ids)
	}
	if _, ok := ids["urn:clausewatch:changes:vendor:example:tier:team"]; !ok {
		t.Errorf("no feed of the team tier among %v", ids)
	}

	// Writing again replaces the site whole, and leaves nothing beside it.
	stray := filepath.Join(out, "stray.html")
	os.WriteFile(stray, []byte("old"), 0o644)
	if _, errs, code := r.run("site", "--out", out); code != cli.ExitOK {
		t.Fatalf("site again: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("a file of the old site survived the rewrite")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public*")); len(left) > 0 {
		t.Errorf("temporary directories left beside the site: %v", left)
	}
}

func TestSiteErrors(t *testing.T) {
	r := siteHistory(t)
	if _, errs, code := r.run("site"); code != cli.ExitUsage || !strings.Contains(errs, "--out") {
		t.Errorf("site without --out: exit %d, want 2 naming --out\n%s", code, errs)
	}

	// A directory of other files is left alone.
	other := t.TempDir()
	keep := filepath.Join(other, "notes.txt")
	os.WriteFile(keep, []byte("mine"), 0o644)
	_, errs, code := r.run("site", "--out", other)
	if code != cli.ExitFailure || !strings.Contains(errs, other) || !strings.Contains(errs, static.Marker) {
		t.Errorf("site into a directory of other files: exit %d, want 1 naming it and the marker\n%s", code, errs)
	}
	if readFile(t, keep) != "mine" {
		t.Errorf("the other directory's file was changed")
	}

	// A file where the directory should be.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, errs, code := r.run("site", "--out", file); code != cli.ExitFailure || !strings.Contains(errs, "not a directory") {
		t.Errorf("site into a file: exit %d\n%s", code, errs)
	}

	// A parent that cannot be written.
	if os.Geteuid() == 0 {
		t.Log("running as root: the unwritable-directory case is skipped (root writes anywhere)")
		return
	}
	ro := t.TempDir()
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	target := filepath.Join(ro, "public")
	_, errs, code = r.run("site", "--out", target)
	if code != cli.ExitFailure || !strings.Contains(errs, target) || !strings.Contains(errs, "permission denied") {
		t.Errorf("site into an unwritable directory: exit %d, want 1 naming it and the reason\n%s", code, errs)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("something was written at %s", target)
	}
}

func TestCheckSite(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	out := filepath.Join(t.TempDir(), "public")
	if _, errs, code := r.check("--site", out); code != cli.ExitOK && code != cli.ExitChanges {
		t.Fatalf("check --site: exit %d\n%s", code, errs)
	}
	if !strings.Contains(readFile(t, filepath.Join(out, "index.html")), "never used for training") {
		t.Errorf("check --site did not write the grid")
	}
	first := readFile(t, filepath.Join(out, "timeline.html"))
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	if _, errs, code := r.check("--site", out); code != cli.ExitChanges {
		t.Fatalf("check --site after a change: exit %d\n%s", code, errs)
	}
	if after := readFile(t, filepath.Join(out, "timeline.html")); after == first || !strings.Contains(after, "opt-out: used unless you turn it off") {
		t.Errorf("check --site did not refresh the timeline")
	}

	// A --site that cannot be written stops the check before it fetches.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	before, _ := counts(t, r.db, "example-terms")
	if _, errs, code := r.check("--site", other); code != cli.ExitFailure || !strings.Contains(errs, other) {
		t.Errorf("check --site into a directory of other files: exit %d, want 1\n%s", code, errs)
	}
	if after, _ := counts(t, r.db, "example-terms"); after != before {
		t.Errorf("the check fetched (%d → %d snapshots) although its --site was refused", before, after)
	}
}

func TestStatusCSVAndGrid(t *testing.T) {
	r := siteHistory(t)
	js, errs, code := r.run("status", "--format", "json")
	if code != cli.ExitOK {
		t.Fatalf("status json: exit %d\n%s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		t.Fatal(err)
	}
	out, errs, code := r.run("status", "--format", "csv")
	if code != cli.ExitOK {
		t.Fatalf("status csv: exit %d\n%s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("status csv does not parse: %v\n%s", err, out)
	}
	if len(recs) != len(rows)+1 {
		t.Fatalf("csv has %d records for %d cells", len(recs), len(rows))
	}
	for i, row := range rows {
		rec := recs[i+1]
		if rec[0] != row["vendor"] || rec[1] != row["tier"] || rec[2] != row["attribute"] || rec[5] != row["agreement"] {
			t.Errorf("csv row %d %q does not match the JSON row %v", i, rec[:6], row)
		}
		if ev, ok := row["evidence"].(map[string]any); ok && ev != nil {
			if rec[7] != ev["source"] || !strings.HasPrefix(rec[8], "https://example.test/") {
				t.Errorf("csv row %d evidence %q %q, JSON %v", i, rec[7], rec[8], ev)
			}
		}
	}

	grid, errs, code := r.run("status", "--format", "markdown")
	if code != cli.ExitOK || !strings.Contains(grid, "| attribute | Consumer | Team | Enterprise |") || !strings.Contains(grid, "[^1]: example-") {
		t.Errorf("status --format markdown: exit %d, want the grid\n%s\n%s", code, grid, errs)
	}
	list, _, code := r.run("status", "--format", "markdown", "--list")
	if code != cli.ExitOK || !strings.HasPrefix(list, "| vendor | tier | attribute |") {
		t.Errorf("status --format markdown --list: exit %d\n%s", code, list)
	}
	if _, errs, code := r.run("status", "--list"); code != cli.ExitUsage {
		t.Errorf("status --list without markdown: exit %d, want 2\n%s", code, errs)
	}
}

// TestChangesAtomFeedIDs: each filter of changes --format atom is its own
// feed, with its own id.
func TestChangesAtomFeedIDs(t *testing.T) {
	r := siteHistory(t)
	ids := map[string][]string{}
	for _, args := range [][]string{nil, {"--vendor", "example"}, {"--vendor", "example", "--tier", "team"}, {"--tier", "team"}, {"--severity", "critical"}} {
		out, errs, code := r.run(append([]string{"changes", "--format", "atom"}, args...)...)
		if code != cli.ExitOK {
			t.Fatalf("changes %q: exit %d\n%s", args, code, errs)
		}
		var feed struct {
			ID string `xml:"id"`
		}
		if err := xml.Unmarshal([]byte(out), &feed); err != nil {
			t.Fatal(err)
		}
		ids[feed.ID] = append(ids[feed.ID], strings.Join(args, " "))
	}
	if len(ids) != 5 {
		t.Errorf("feed ids %v: want one per filter", ids)
	}
	if _, ok := ids["urn:clausewatch:changes:vendor:example:tier:team"]; !ok {
		t.Errorf("feed ids %v lack the vendor and tier feed's", ids)
	}
}

// status --format html is the site's grid as one page of its own: styles
// inline, nothing to load, the guide's note beside the cell, and a filter
// that leaves one vendor's tier.
func TestStatusHTMLIsTheGrid(t *testing.T) {
	r := siteHistory(t)
	out, errs, code := r.run("status", "--format", "html", "--tier", "consumer")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"<!DOCTYPE html>", "<style>", `class="grid"`, "Consumer section: the guide says chats are never used"} {
		if !strings.Contains(out, want) {
			t.Errorf("status html lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<link", "Team section"} {
		if strings.Contains(out, bad) {
			t.Errorf("status html holds %q", bad)
		}
	}
}
