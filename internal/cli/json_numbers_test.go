package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/terms"
)

const retentionDecl = `vendor: example
name: Example AI
tiers:
  - id: consumer
    label: Consumer
documents:
  - id: example-retention
    url: https://example.test/retention
    select: [main]
    tiers: [consumer]
attributes:
  - source: example-retention
    tiers: [consumer]
    attribute: retention
`

// TestJSONRetentionPeriodsAreNumbers reads two versions of a retention page
// and checks that the JSON outputs write periods in days as JSON numbers, so
// that a script can compare them as numbers (new.default > old.default), and
// the other periods as strings.
func TestJSONRetentionPeriodsAreNumbers(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(retentionDecl), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, db: filepath.Join(t.TempDir(), "cw.db"), sources: dir, now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	pages := t.TempDir()
	var imported string
	for i, p := range []fixture.Page{fixture.RetentionArticle(false), fixture.RetentionArticle(true)} {
		file := writeFile(t, pages, fmt.Sprintf("retention-%d.html", i), p.HTML())
		at := time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
		out, errs, code := r.run("import", "--source", "example-retention", "--fetched-at", at, "--format", "json", file)
		if code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("import %d: exit %d\n%s\n%s", i, code, out, errs)
		}
		imported = out
	}
	oldWant := map[string]any{"after-deletion": 30.0, "policy-violation": 730.0}
	newWant := map[string]any{"after-deletion": 30.0, "policy-violation": 730.0, "training-opt-in": 1825.0}

	out, errs, code := r.run("changes", "--format", "json", "--kind", terms.ValueChanged)
	if code != cli.ExitOK {
		t.Fatalf("changes: exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, `"training-opt-in": 1825`) {
		t.Errorf("changes --format json does not write the period as a number:\n%s", out)
	}
	var evs []map[string]any
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("changes --format json: %v\n%s", err, out)
	}
	if len(evs) != 1 || evs[0]["attribute"] != "retention" {
		t.Fatalf("changes --format json: want the one retention change, got\n%s", out)
	}
	if !reflect.DeepEqual(evs[0]["old"], oldWant) || !reflect.DeepEqual(evs[0]["new"], newWant) {
		t.Errorf("changes --format json: old %#v new %#v, want %#v and %#v", evs[0]["old"], evs[0]["new"], oldWant, newWant)
	}
	// What a script does with it.
	if o, n := evs[0]["old"].(map[string]any), evs[0]["new"].(map[string]any); !(n["after-deletion"].(float64) >= o["after-deletion"].(float64)) {
		t.Errorf("periods do not compare as numbers: %v, %v", o, n)
	}
	// The same output still reads back into the code base's values.
	var typed []terms.Event
	if err := json.Unmarshal([]byte(out), &typed); err != nil {
		t.Fatal(err)
	}
	if want := terms.MapOf(map[string]string{"after-deletion": "30", "policy-violation": "730", "training-opt-in": "1825"}); len(typed) != 1 || typed[0].New == nil || !typed[0].New.Equal(want) {
		t.Errorf("changes --format json read back as %+v, want new %v", typed, want)
	}

	// import (and check, recheck: the same outcome shape) and status.
	var outcome struct {
		Events []map[string]any `json:"events"`
	}
	if err := json.Unmarshal([]byte(imported), &outcome); err != nil {
		t.Fatalf("import --format json: %v\n%s", err, imported)
	}
	if len(outcome.Events) == 0 || !reflect.DeepEqual(outcome.Events[0]["new"], newWant) {
		t.Errorf("import --format json: want the retention change with periods as numbers, got\n%s", imported)
	}
	out, errs, code = r.run("status", "--format", "json")
	if code != cli.ExitOK {
		t.Fatalf("status: exit %d\n%s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("status --format json: %v\n%s", err, out)
	}
	var retention map[string]any
	for _, row := range rows {
		if row["tier"] == "consumer" && row["attribute"] == "retention" {
			retention = row
		}
	}
	if retention == nil || !reflect.DeepEqual(retention["observed"], newWant) {
		t.Errorf("status --format json: want observed retention with periods as numbers, got\n%s", out)
	}
}

// TestJSONKeysAreLowerCase runs the commands that print JSON and checks
// that every key is lower-case snake_case (the keys of values and headers
// are data: retention scopes, header names), and that diff writes its
// operations as words.
func TestJSONKeysAreLowerCase(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	const id = "example-terms"
	if out, errs, code := r.check(); code != cli.ExitOK {
		t.Fatalf("first check: exit %d\n%s\n%s", code, out, errs)
	}
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	outputs := map[string]any{}
	for _, args := range [][]string{
		{"check", "--host-delay", "0", "--retries", "0", "--timeout", "2s"},
		{"recheck", id},
		{"changes"},
		{"status"},
		{"history", id, "--all"},
		{"diff", id},
		{"sources"},
		{"reprocess"},
	} {
		out, errs, code := r.run(append(args, "--format", "json")...)
		if code != cli.ExitOK && code != cli.ExitChanges {
			t.Fatalf("%s --format json: exit %d\n%s\n%s", args[0], code, out, errs)
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%s --format json: %v\n%s", args[0], err, out)
		}
		outputs[args[0]] = v
		checkKeys(t, args[0], v)
	}

	d := outputs["diff"].(map[string]any)
	changes, _ := d["changes"].([]any)
	if len(changes) != 1 {
		t.Fatalf("diff --format json: want one change, got %v", d["changes"])
	}
	c := changes[0].(map[string]any)
	if c["op"] != "changed" {
		t.Errorf("diff --format json: op %#v, want \"changed\"", c["op"])
	}
	words, _ := c["words"].([]any)
	ops := map[any]bool{}
	for _, w := range words {
		ops[w.(map[string]any)["op"]] = true
	}
	if !reflect.DeepEqual(ops, map[any]bool{"equal": true, "insert": true, "delete": true}) {
		t.Errorf("diff --format json: word ops %v, want equal, insert and delete", ops)
	}
	if want := map[string]any{"unchanged": 11.0, "changed": 1.0, "added": 0.0, "removed": 0.0, "moved": 0.0}; !reflect.DeepEqual(d["summary"], want) {
		t.Errorf("diff --format json: summary %v, want %v", d["summary"], want)
	}

	vendors := outputs["sources"].([]any)
	src := vendors[0].(map[string]any)["sources"].([]any)[0].(map[string]any)
	if src["id"] != id || src["url"] != srv.URL+"/terms" || !reflect.DeepEqual(src["tiers"], []any{"consumer"}) {
		t.Errorf("sources --format json: first source %v, want id %s, url %s/terms, tiers [consumer]", src, id, srv.URL)
	}
}

var jsonKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// checkKeys fails for a key of v that is not lower-case snake_case, except
// inside the values whose keys are data.
func checkKeys(t *testing.T, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if !jsonKey.MatchString(k) {
				t.Errorf("%s: key %q is not lower-case snake_case", path, k)
			}
			switch k {
			case "old", "new", "documented", "observed", "value", "headers":
				continue
			}
			checkKeys(t, path+"."+k, e)
		}
	case []any:
		for i, e := range v {
			checkKeys(t, fmt.Sprintf("%s[%d]", path, i), e)
		}
	}
}
