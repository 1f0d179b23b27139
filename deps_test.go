package clausewatch_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies enforces the package table of the style guide: each
// third-party library is imported by the one package whose job it is, and
// the lower layers do not reach up.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/clausewatch/clausewatch/"
	imports := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		imports[strings.TrimPrefix(p.ImportPath, mod)] = p.Imports
	}
	// Only the package named may import a path with this prefix.
	owners := map[string][]string{
		"modernc.org/sqlite":             {"internal/store"},
		"github.com/PuerkitoBio/goquery": {"internal/extract"},
		"github.com/sergi/go-diff":       {"internal/diff"},
		"github.com/chromedp/":           {"internal/fetch"},
		"github.com/wneessen/go-mail":    {"internal/notify"},
		"go.yaml.in/yaml/v3":             {"internal/yamlx", "internal/source", "internal/baseline", "internal/notify"},
	}
	// These packages must not import these internal packages.
	forbidden := map[string][]string{
		"internal/terms":    {"internal/"},
		"internal/source":   {"internal/store", "internal/fetch", "internal/cli"},
		"internal/fetch":    {"internal/store", "internal/extract", "internal/cli"},
		"internal/extract":  {"internal/store", "internal/fetch", "internal/cli"},
		"internal/diff":     {"internal/store", "internal/fetch", "internal/cli"},
		"internal/attr":     {"internal/store", "internal/fetch", "internal/diff", "internal/cli"},
		"internal/compare":  {"internal/store", "internal/fetch", "internal/cli"},
		"internal/report":   {"internal/store", "internal/notify", "internal/cli"},
		"internal/notify":   {"internal/terms", "internal/diff", "internal/report", "internal/store"},
		"internal/store":    {"internal/fetch", "internal/extract", "internal/attr", "internal/cli", "internal/pipeline"},
		"internal/pipeline": {"internal/cli"},
		"internal/schedule": {"internal/notify"},
	}
	for pkg, imps := range imports {
		for _, imp := range imps {
			for prefix, allowed := range owners {
				if strings.HasPrefix(imp, prefix) && !contains(allowed, pkg) {
					t.Errorf("%s imports %s; only %v may", pkg, imp, allowed)
				}
			}
			for _, bad := range forbidden[pkg] {
				if strings.HasPrefix(imp, mod+bad) && !strings.HasPrefix(pkg, bad) {
					t.Errorf("%s must not import %s", pkg, imp)
				}
			}
			if imp == "net/http" && (pkg == "internal/source" || pkg == "internal/extract" || pkg == "internal/attr") {
				t.Errorf("%s must do no I/O, yet imports net/http", pkg)
			}
		}
	}
	if cmd := imports["cmd/clausewatch"]; containsPrefix(cmd, mod+"internal/") && !onlyCLI(cmd, mod) {
		t.Errorf("cmd/clausewatch imports more than internal/cli: %v", cmd)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsPrefix(list []string, prefix string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}

func onlyCLI(imps []string, mod string) bool {
	for _, x := range imps {
		if strings.HasPrefix(x, mod+"internal/") && x != mod+"internal/cli" {
			return false
		}
	}
	return true
}
