package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
)

// The explain fixtures: a vendor with two tiers and two pages in our own
// words. The terms page speaks for both tiers and says chats train the
// models unless the user opts out; the business page names the Team plan
// and says its chats never train them, so the team cell is decided by the
// business page and the terms page's document-wide statement is outranked.
// A narrowing rule for hipaa-baa selects a heading the terms page does not
// have: the consumer hipaa-baa cell reads unknown, with the rule as reason.

func explainTerms() fixture.Page {
	return fixture.Page{Title: "Example AI Terms", Sections: []fixture.Section{
		{Heading: "Your content", Paras: []fixture.Para{
			{Lead: "Use of your content", Text: fixture.TrainingOptOut},
		}},
		{Heading: "Retention", Paras: []fixture.Para{
			{Lead: "Deleted chats", Text: "When you delete a conversation it is removed from our systems within 30 days."},
		}},
		{Heading: "Ending the service", Paras: []fixture.Para{
			{Text: "You may close your account at any time from the settings page of the assistant."},
		}},
	}}
}

func explainBusiness() fixture.Page {
	return fixture.Page{Title: "Example AI for business", Sections: []fixture.Section{
		{Heading: "Business plans", Paras: []fixture.Para{
			{Lead: "Model training", Text: "We do not use Team plan chats to train our models."},
			{Lead: "Administration", Text: "Owners of a workspace can invite members, assign roles and review the billing history of the workspace."},
			{Lead: "Support", Text: "Business customers can reach our support team by email on working days, and we answer within two days."},
		}},
	}}
}

const explainDecl = `vendor: example
name: Example AI
tiers:
  - id: consumer
    label: Consumer
    names: [Free plan]
  - id: team
    label: Team
    names: [Team plan]
documents:
  - id: example-terms
    title: Terms
    url: %[1]s/terms
    select: [main]
    tiers: [consumer, team]
  - id: example-business
    title: Business
    url: %[1]s/business
    select: [main]
    tiers: [team]
attributes:
  - source: example-terms
    tiers: [consumer]
    attribute: hipaa-baa
    clause: "Health data"
`

const explainBaseline = `vendor: example
analysis: "written for the tests"
tiers:
  consumer:
    training: {value: opt-out, note: "terms"}
  team:
    training: {value: never, note: "business page"}
`

// explainSetup serves the two pages, writes the declarations (and a
// baseline) and returns a runner over a fresh database.
func explainSetup(t *testing.T) (*runner, *site, string) {
	t.Helper()
	s, srv := newSite(t)
	s.page("/terms", explainTerms())
	s.page("/business", explainBusiness())
	dir := t.TempDir()
	write(t, filepath.Join(dir, "example.yaml"), fmt.Sprintf(explainDecl, srv.URL))
	write(t, filepath.Join(dir, "baselines", "example.yaml"), explainBaseline)
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: dir, client: srv.Client(),
		now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	return r, s, srv.URL
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustContain(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

// section is the part of an explanation between two headings of its text
// form.
func section(out, from, to string) string {
	_, after, ok := strings.Cut(out, from)
	if !ok {
		return ""
	}
	before, _, _ := strings.Cut(after, to)
	return before
}

func TestExplainShowsClausesStatementsWhomAndResolution(t *testing.T) {
	r, _, _ := explainSetup(t)
	if out, errOut, code := r.check(); code != cli.ExitChanges && code != cli.ExitOK || strings.Contains(out, "failed") {
		t.Log(out)
		t.Fatalf("check: exit %d\n%s", code, errOut)
	}

	out, errOut, code := r.run("explain", "example-terms")
	if code != cli.ExitOK {
		t.Fatalf("explain: exit %d\n%s", code, errOut)
	}
	mustContain(t, "explain example-terms", out,
		// the clauses, in order, with their heading paths
		"[1] Example AI Terms > 1. Your content > Use of your content (paragraph)",
		"[2] Example AI Terms > 2. Retention > Deleted chats (paragraph)",
		// each sentence's statements and whom they speak for, and why
		"→ training = opt-out for consumer, team (document-wide: the page's tiers); conditions: \"unless you turn this off in your privacy settings.\"",
		// what the page reads for each tier
		"consumer training = opt-out (document-wide) › Example AI Terms > 1. Your content > Use of your content",
		// the cells it feeds: team training decided by the page naming the tier
		"team training: observed never, documented never: agrees",
		"decided by example-business = never (names the tier) › Example AI for business > 1. Business plans > Model training",
		"outranked: example-terms = opt-out (document-wide)",
	)
	if strings.Contains(out, "today's reading differs") {
		t.Errorf("explain says the stored reading is stale right after check:\n%s", out)
	}
	if !strings.Contains(section(out, "Clauses", "What the page reads"), "retention = ") {
		t.Errorf("explain shows no retention statement of the Deleted chats clause:\n%s", out)
	}

	biz, _, code := r.run("explain", "example-business", "--attribute", "training")
	if code != cli.ExitOK {
		t.Fatalf("explain example-business: exit %d", code)
	}
	mustContain(t, "explain example-business", biz,
		"→ training = never for team (names \"Team plan\")")
	if strings.Contains(biz, "retention") {
		t.Errorf("--attribute training still shows retention:\n%s", biz)
	}

	// JSON carries the same, for scripts.
	js, _, code := r.run("explain", "example-terms", "--format", "json", "--tier", "team", "--attribute", "training")
	if code != cli.ExitOK {
		t.Fatalf("explain json: exit %d", code)
	}
	var x struct {
		Clauses []struct {
			Heading    string
			Statements []struct {
				Attribute string
				Tiers     []string
				Named     bool
				Whom      string
			}
		}
		Cells []struct {
			Tier, Attribute, Agreement string
			Deciding, Outranked        []struct{ Source, Rank string }
		}
	}
	if err := json.Unmarshal([]byte(js), &x); err != nil {
		t.Fatalf("explain json: %v\n%s", err, js)
	}
	if len(x.Clauses) != 1 || len(x.Clauses[0].Statements) != 1 || x.Clauses[0].Statements[0].Named ||
		x.Clauses[0].Statements[0].Whom != "document-wide: the page's tiers" {
		t.Errorf("json clauses: %+v", x.Clauses)
	}
	if len(x.Cells) != 1 || x.Cells[0].Tier != "team" || len(x.Cells[0].Deciding) != 1 || x.Cells[0].Deciding[0].Source != "example-business" ||
		len(x.Cells[0].Outranked) != 1 || x.Cells[0].Outranked[0].Source != "example-terms" {
		t.Errorf("json cells: %+v", x.Cells)
	}

	// One cell across all the vendor's pages.
	cell, errOut, code := r.run("explain", "--vendor", "example", "--tier", "team", "--attribute", "training")
	if code != cli.ExitOK {
		t.Fatalf("explain --vendor: exit %d\n%s", code, errOut)
	}
	mustContain(t, "explain --vendor", cell,
		"Cell example team training",
		"decided by example-business = never (names the tier)",
		"outranked: example-terms = opt-out (document-wide)",
		"example-terms (version of snapshot",
		"→ training = opt-out for consumer, team (document-wide: the page's tiers)",
		"→ training = never for team (names \"Team plan\")")
}

func TestExplainSaysWhenTheStoredReadingIsOlderThanTheRules(t *testing.T) {
	r, _, _ := explainSetup(t)
	r.check()
	decl := filepath.Join(r.sources, "example.yaml")
	b, _ := os.ReadFile(decl)
	write(t, decl, string(b)+`  - source: example-terms
    attribute: training
    clause: "Your content"
    exclude: true
`)
	out, _, code := r.run("explain", "example-terms")
	if code != cli.ExitOK {
		t.Fatalf("explain: exit %d", code)
	}
	mustContain(t, "explain after a rule changed", out,
		"Note: today's reading differs from the stored one (stored consumer training = opt-out): the cells show the stored one until 'clausewatch reprocess --source example-terms'")
	if strings.Contains(section(out, "Clauses", "What the page reads"), "training = ") {
		t.Errorf("the excluded clause still shows a training statement:\n%s", out)
	}
}

func TestExplainAndStatusShowWhyACellIsUnknown(t *testing.T) {
	r, _, _ := explainSetup(t)
	r.check()
	out, _, code := r.run("explain", "example-terms", "--tier", "consumer", "--attribute", "hipaa-baa")
	if code != cli.ExitOK {
		t.Fatalf("explain: exit %d", code)
	}
	reason := `no clause matches "Health data" in example-terms (rule `
	mustContain(t, "explain of the unknown cell", out,
		"consumer hipaa-baa: observed unknown, documented —: unknown", "why: "+reason)

	for _, format := range []string{"text", "markdown", "html", "json"} {
		st, _, code := r.run("status", "--tier", "consumer", "--attribute", "hipaa-baa", "--format", format)
		if code != cli.ExitOK {
			t.Fatalf("status --format %s: exit %d", format, code)
		}
		want := reason
		if format == "html" {
			want = `no clause matches &#34;Health data&#34; in example-terms (rule `
		}
		if format == "json" {
			want = `"reason": "no clause matches \"Health data\" in example-terms (rule `
		}
		mustContain(t, "status --format "+format, st, want)
	}

	// A statement the page stopped making: unknown, and explain says why.
	r, s, _ := explainSetup(t)
	r.check()
	gone := explainTerms()
	gone.Sections[0].Paras[0].Text = "Your chats stay yours, and you can export them from the settings page."
	s.page("/terms", gone)
	r.check()
	out, _, _ = r.run("explain", "example-terms", "--tier", "consumer", "--attribute", "training")
	lost := "example-terms no longer states it (it said so under “Example AI Terms > 1. Your content > Use of your content”)"
	mustContain(t, "explain of a lost statement", out, "consumer training: observed unknown, documented opt-out: unknown", "why: "+lost)
	if !strings.Contains(section(out, "Clauses", "What the page reads"), "(0)") {
		t.Errorf("explain shows a training statement the page no longer makes:\n%s", out)
	}
	st, _, _ := r.run("status", "--tier", "consumer", "--attribute", "training")
	mustContain(t, "status of a lost statement", st, "unknown: "+lost)

	// A cell no page states says so, and whether this page could.
	out, _, _ = r.run("explain", "example-terms", "--tier", "team", "--attribute", "zdr")
	mustContain(t, "explain of a cell no page states", out,
		"team zdr: observed —, documented —: not-observed",
		"why: no page of example states zdr for team; no sentence of example-terms does (it is declared for team, so a sentence naming no tier would)")
}

func TestTryReadsAFileAndAURLAsExplainDoesWithoutADatabase(t *testing.T) {
	r, _, base := explainSetup(t)
	file := filepath.Join(t.TempDir(), "terms.html")
	write(t, file, string(explainTerms().HTML()))

	tried, errOut, code := r.run("try", "--source", "example-terms", file)
	if code != cli.ExitOK {
		t.Fatalf("try FILE: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(r.db); !os.IsNotExist(err) {
		t.Fatalf("try created or opened the database %s (stat: %v)", r.db, err)
	}
	mustContain(t, "try FILE", tried, "Read: file "+file+", not stored",
		"Cells the page feeds, as this page alone resolves them",
		"consumer training: observed opt-out, documented opt-out: agrees")

	viaURL, errOut, code := r.run("try", "--source", "example-terms", base+"/terms")
	if code != cli.ExitOK {
		t.Fatalf("try URL: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(r.db); !os.IsNotExist(err) {
		t.Fatalf("try URL created the database (stat: %v)", err)
	}
	mustContain(t, "try URL", viaURL, "Read: fetched "+base+"/terms at ")

	// The same clauses and statements as explain of the recorded page.
	r.check()
	explained, _, _ := r.run("explain", "example-terms")
	want := section(explained, "Clauses", "What the page reads")
	if want == "" {
		t.Fatalf("explain printed no clauses:\n%s", explained)
	}
	for name, out := range map[string]string{"try FILE": tried, "try URL": viaURL} {
		if got := section(out, "Clauses", "What the page reads"); got != want {
			t.Errorf("%s shows other clauses than explain:\n--- try\n%s\n--- explain\n%s", name, got, want)
		}
	}
}

func TestExplainAndTryErrorsNameTheInput(t *testing.T) {
	r, s, base := explainSetup(t)
	empty := filepath.Join(t.TempDir(), "empty.html")
	write(t, empty, "")
	notHTML := filepath.Join(t.TempDir(), "page.html")
	write(t, notHTML, "<html><body><nav>only navigation</nav></body></html>")
	s.handle("/gone", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "gone", http.StatusNotFound) })
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"explain unknown id", []string{"explain", "example-nope"}, cli.ExitUsage, `unknown source "example-nope"`},
		{"explain no id", []string{"explain"}, cli.ExitUsage, "want exactly one source id"},
		{"explain bad tier", []string{"explain", "example-terms", "--tier", "entreprise"}, cli.ExitUsage, `--tier "entreprise": vendor example has no such tier (its tiers: consumer, team)`},
		{"explain bad attribute", []string{"explain", "example-terms", "--attribute", "trainig"}, cli.ExitUsage, `--attribute "trainig": not an attribute`},
		{"explain vendor without cell", []string{"explain", "--vendor", "example", "--tier", "team"}, cli.ExitUsage, "--tier and --attribute are required"},
		{"explain unknown vendor", []string{"explain", "--vendor", "acme", "--tier", "team", "--attribute", "zdr"}, cli.ExitUsage, `--vendor "acme": not declared`},
		{"try without source", []string{"try", empty}, cli.ExitUsage, "--source is required"},
		{"try unknown source", []string{"try", "--source", "example-nope", empty}, cli.ExitUsage, `unknown source "example-nope"`},
		{"try bad tier", []string{"try", "--source", "example-terms", "--tier", "entreprise", empty}, cli.ExitUsage, `--tier "entreprise"`},
		{"try missing file", []string{"try", "--source", "example-terms", filepath.Join(t.TempDir(), "nope.html")}, cli.ExitFailure, "nope.html: no such file"},
		{"try empty file", []string{"try", "--source", "example-terms", empty}, cli.ExitFailure, empty + ": file is empty"},
		{"try page without the content", []string{"try", "--source", "example-terms", notHTML}, cli.ExitFailure, "does not hold the declared content of example-terms"},
		{"try URL answering 404", []string{"try", "--source", "example-terms", base + "/gone"}, cli.ExitFailure, base + "/gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := r.run(tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant it to say %q", code, tc.code, errOut, tc.want)
			}
		})
	}
	// explain of a source with no version yet: an error saying what to do.
	_, errOut, code := r.run("explain", "example-terms")
	if _, err := os.Stat(r.db); code != cli.ExitFailure || !strings.Contains(errOut, "no database at") || !os.IsNotExist(err) {
		t.Errorf("explain before any check: exit %d, stderr %s (stat %v)", code, errOut, err)
	}
	r.run("check", "--source", "example-business", "--host-delay", "0", "--retries", "0")
	_, errOut, code = r.run("explain", "example-terms")
	if code != cli.ExitFailure || !strings.Contains(errOut, "explain example-terms: no version recorded yet") || !strings.Contains(errOut, "clausewatch try --source example-terms") {
		t.Errorf("explain without a version: exit %d, stderr %s", code, errOut)
	}
}

// runEnv runs clausewatch with the environment env and no --sources.
func runEnv(t *testing.T, env map[string]string, client *http.Client, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := cli.Run(context.Background(), args, cli.Env{
		Stdout: &out, Stderr: &errb, HTTPClient: client,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil && cli.ExitCode(err) != cli.ExitChanges {
		fmt.Fprintf(&errb, "clausewatch: %v\n", err)
	}
	return out.String(), errb.String(), cli.ExitCode(err)
}

func TestSourcesFromTheEnvironmentAndTheFlag(t *testing.T) {
	r, _, _ := explainSetup(t)
	env := map[string]string{"CLAUSEWATCH_SOURCES": r.sources}
	out, errOut, code := runEnv(t, env, r.client, "--db", r.db, "sources")
	if code != cli.ExitOK || !strings.Contains(out, "example-business") {
		t.Fatalf("sources with CLAUSEWATCH_SOURCES: exit %d\n%s%s", code, out, errOut)
	}
	// The flag wins over the environment.
	env["CLAUSEWATCH_SOURCES"] = filepath.Join(t.TempDir(), "missing")
	out, errOut, code = runEnv(t, env, r.client, "--db", r.db, "--sources", r.sources, "sources")
	if code != cli.ExitOK || !strings.Contains(out, "example-business") {
		t.Fatalf("--sources over a bad CLAUSEWATCH_SOURCES: exit %d\n%s%s", code, out, errOut)
	}
	// An explicit empty --sources means the built-in declarations.
	out, errOut, code = runEnv(t, env, r.client, "--db", r.db, "--sources", "", "sources")
	if code != cli.ExitOK || !strings.Contains(out, "anthropic-consumer-terms") || strings.Contains(out, "example-business") {
		t.Errorf("--sources '' over CLAUSEWATCH_SOURCES: exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = runEnv(t, env, r.client, "--db", r.db, "sources")
	if code != cli.ExitFailure || !strings.Contains(errOut, "$CLAUSEWATCH_SOURCES: ") || !strings.Contains(errOut, "missing") {
		t.Errorf("a CLAUSEWATCH_SOURCES that does not exist: exit %d, stderr %s", code, errOut)
	}
}

func TestNoticeWhenASourcesFolderBesideTheDatabaseIsNotRead(t *testing.T) {
	home := t.TempDir()
	db := filepath.Join(home, "cw.db")
	write(t, filepath.Join(home, "sources", "example.yaml"), "vendor: example\n")
	notice := "reading the declarations built into the binary, not " + filepath.Join(home, "sources") + "/, which differs from them (pass --sources"
	_, errOut, code := runEnv(t, nil, nil, "--db", db, "sources")
	if code != cli.ExitOK || strings.Count(errOut, notice) != 1 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("sources beside a differing sources/: exit %d, want the notice once on one line, stderr:\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "CLAUSEWATCH_SOURCES="+filepath.Join(home, "sources")) {
		t.Errorf("the notice does not say how to read the folder: %s", errOut)
	}
	// Chosen by the flag or the environment: no notice (the folder is read).
	good, _, _ := explainSetup(t)
	for _, env := range []map[string]string{nil, {"CLAUSEWATCH_SOURCES": good.sources}} {
		args := []string{"--db", db, "sources"}
		if env == nil {
			args = append([]string{"--sources", good.sources}, args...)
		}
		if _, errOut, _ := runEnv(t, env, nil, args...); strings.Contains(errOut, "built into the binary") {
			t.Errorf("notice although the declarations were chosen (env %v): %s", env, errOut)
		}
	}
	// A copy of the built-in declarations: nothing to say.
	same := t.TempDir()
	if err := os.CopyFS(filepath.Join(same, "sources"), os.DirFS(filepath.Join("..", "..", "sources"))); err != nil {
		t.Fatal(err)
	}
	if _, errOut, _ := runEnv(t, nil, nil, "--db", filepath.Join(same, "cw.db"), "sources"); strings.Contains(errOut, "built into the binary") {
		t.Errorf("notice for a sources/ equal to the built-in one: %s", errOut)
	}
}

func TestBaselineAdoptWritesIntoTheFolderThatIsRead(t *testing.T) {
	r, _, _ := explainSetup(t)
	os.Remove(filepath.Join(r.sources, "baselines", "example.yaml"))
	r.check()
	out, errOut, code := r.run("baseline", "adopt", "--vendor", "example", "--tier", "team", "--attribute", "training")
	want := filepath.Join(r.sources, "baselines", "example.yaml")
	if code != cli.ExitOK || !strings.Contains(out, "into "+want) {
		t.Fatalf("adopt: exit %d\n%s%s", code, out, errOut)
	}
	st, _, _ := r.run("status", "--tier", "team", "--attribute", "training", "--format", "json")
	if !strings.Contains(st, `"agreement": "agrees"`) || !strings.Contains(st, `"documented": "never"`) {
		t.Errorf("status does not read the adopted baseline:\n%s", st)
	}
	// With CLAUSEWATCH_SOURCES, adopt writes there too.
	os.Remove(want)
	env := map[string]string{"CLAUSEWATCH_SOURCES": r.sources}
	if out, errOut, code := runEnv(t, env, r.client, "--db", r.db, "baseline", "adopt", "--vendor", "example"); code != cli.ExitOK || !strings.Contains(out, "into "+want) {
		t.Errorf("adopt with CLAUSEWATCH_SOURCES: exit %d\n%s%s", code, out, errOut)
	}
	// Reading the built-in declarations, adopt refuses and says how.
	dir := t.TempDir()
	_, errOut, code = runEnv(t, nil, nil, "--db", filepath.Join(dir, "cw.db"), "baseline", "adopt", "--vendor", "anthropic")
	if code != cli.ExitUsage || !strings.Contains(errOut, "pass --sources DIR (or set CLAUSEWATCH_SOURCES=DIR)") {
		t.Errorf("adopt with the built-in declarations: exit %d, stderr %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "sources")); !os.IsNotExist(err) {
		t.Errorf("adopt wrote a sources/ folder nothing reads")
	}
}

func TestBrowserPathFromTheFlagAndTheEnvironment(t *testing.T) {
	r, _, base := explainSetup(t)
	decl := filepath.Join(r.sources, "example.yaml")
	b, _ := os.ReadFile(decl)
	write(t, decl, strings.Replace(string(b), "    tiers: [team]\n", "    tiers: [team]\n    render: browser\n", 1))
	missing := filepath.Join(t.TempDir(), "no-chromium")
	for name, run := range map[string]func() (string, string, int){
		"--browser": func() (string, string, int) {
			return r.run("--browser", missing, "try", "--source", "example-business", base+"/business")
		},
		"CLAUSEWATCH_BROWSER": func() (string, string, int) {
			return runEnv(t, map[string]string{"CLAUSEWATCH_BROWSER": missing}, r.client,
				"--sources", r.sources, "try", "--source", "example-business", base+"/business")
		},
	} {
		_, errOut, code := run()
		if code != cli.ExitFailure || !strings.Contains(errOut, missing) || !strings.Contains(errOut, "--browser PATH") {
			t.Errorf("%s: exit %d, stderr %s", name, code, errOut)
		}
	}
}

func TestCheckNamesTheAbsoluteDatabasePath(t *testing.T) {
	r, _, _ := explainSetup(t)
	out, _, _ := r.check()
	abs, _ := filepath.Abs(r.db)
	if !strings.HasPrefix(out, "Database: "+abs+"\n") {
		t.Errorf("check summary does not open with the database path %s:\n%s", abs, out)
	}
}

// TestTryRendersWithTheBrowserItIsGiven reads a page whose text a script
// writes, through the real headless Chromium named by --browser: a plain
// GET would find an empty <main>.
func TestTryRendersWithTheBrowserItIsGiven(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("skipping real browser render: %s not installed (apt-get install chromium)", chromium)
	}
	r, s, base := explainSetup(t)
	decl := filepath.Join(r.sources, "example.yaml")
	b, _ := os.ReadFile(decl)
	write(t, decl, strings.Replace(string(b), "    tiers: [team]\n", "    tiers: [team]\n    render: browser\n", 1))
	page := string(explainBusiness().HTML())
	s.handle("/scripted", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><body><main></main><script>
document.querySelector("main").innerHTML = %q;
</script></body></html>`, page[strings.Index(page, "<main"):strings.Index(page, "</main>")+len("</main>")])
	})
	// Read with the declarations of a plain page, nothing is there.
	if _, errOut, code := r.run("try", "--source", "example-terms", base+"/scripted"); code != cli.ExitFailure || !strings.Contains(errOut, "does not hold the declared content") {
		t.Fatalf("the scripted page read without a browser: exit %d, stderr %s", code, errOut)
	}
	out, errOut, code := r.run("--browser", chromium, "try", "--source", "example-business", base+"/scripted", "--attribute", "training")
	if code != cli.ExitOK {
		t.Fatalf("try through %s: exit %d\n%s", chromium, code, errOut)
	}
	mustContain(t, "try of a scripted page", out, `→ training = never for team (names "Team plan")`)
	if _, err := os.Stat(r.db); !os.IsNotExist(err) {
		t.Errorf("try created the database (stat: %v)", err)
	}
}
