package eval

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

var verbose = flag.Bool("eval.failures", false, "list every case read wrong")

// floor is the least share of cases each attribute must read right: the
// suite's measured level when it was last raised (make eval prints it), so
// that a change to a reader cannot quietly make the reading worse.
var floor = map[string]float64{
	"training": 1, "retention": 1, "output-ownership": 0.97, "hipaa-baa": 0.98, "zdr": 1,
	"data-processor": 1, "sensitive-data": 1, "security": 1, "rights": 0.97,
}

func TestSuite(t *testing.T) {
	s, err := Load(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Cases) < 300 {
		t.Fatalf("%d cases, want at least 300", len(s.Cases))
	}
	scores, fails := s.Run()
	var b strings.Builder
	Report(&b, scores)
	t.Logf("evaluation suite, %d cases:\n%s", len(s.Cases), b.String())
	byFile, _ := s.RunBy(func(c Case) string { return c.File })
	b.Reset()
	Report(&b, byFile)
	t.Logf("by file (styles/ files hold one register or page style each):\n%s", b.String())
	if *verbose {
		for _, f := range fails {
			t.Log(f.Describe())
		}
	}
	for a, sc := range scores {
		if got := float64(sc.Passed) / float64(sc.Cases); got < floor[a] {
			t.Errorf("%s: %d of %d cases read right (%.2f), below the floor %.2f", a, sc.Passed, sc.Cases, got, floor[a])
		}
	}
}

func TestLoadReadsStyleFiles(t *testing.T) {
	s, err := Load(os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range s.Cases {
		if strings.HasPrefix(c.File, "styles/") {
			n++
			if terms.AttributeIndex(c.Attribute) == len(terms.Attributes) {
				t.Errorf("%s %s: attribute %q", c.File, c.ID, c.Attribute)
			}
		}
	}
	if n < 60 {
		t.Errorf("%d cases in styles/ files, want at least 60", n)
	}
}

func TestLoadRefusesBadStyleCases(t *testing.T) {
	bad := map[string]string{
		"no attribute":      `[{id: x, text: "t", want: {consumer: never}}]`,
		"unknown attribute": `[{id: x, attribute: trianing, text: "t", want: {consumer: never}}]`,
		"bad value":         `[{id: x, attribute: zdr, text: "t", want: {api: never}}]`,
	}
	for name, cases := range bad {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			vendor, _ := os.ReadFile("testdata/vendor.yaml")
			os.WriteFile(dir+"/vendor.yaml", vendor, 0o644)
			for _, a := range terms.Attributes {
				os.WriteFile(dir+"/"+a+".yaml", []byte("[]"), 0o644)
			}
			os.Mkdir(dir+"/styles", 0o755)
			os.WriteFile(dir+"/styles/bad.yaml", []byte(cases), 0o644)
			_, err := Load(os.DirFS(dir))
			if err == nil || !strings.Contains(err.Error(), "styles/bad.yaml") {
				t.Errorf("Load: %v, want an error naming styles/bad.yaml", err)
			}
		})
	}
}

func TestLoadRefusesBadCases(t *testing.T) {
	bad := map[string]string{
		"undeclared tier": `[{id: x, attribute: training, text: "t", want: {nobody: never}}]`,
		"bad value":       `[{id: x, text: "t", want: {consumer: sometimes}}]`,
		"other attribute": `[{id: x, attribute: zdr, text: "t", want: {consumer: never}}]`,
	}
	for name, cases := range bad {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			vendor, _ := os.ReadFile("testdata/vendor.yaml")
			os.WriteFile(dir+"/vendor.yaml", vendor, 0o644)
			for _, a := range []string{"training", "retention", "output-ownership", "hipaa-baa", "zdr", "data-processor", "sensitive-data", "security", "rights"} {
				body := "[]"
				if a == "training" {
					body = cases
				}
				os.WriteFile(dir+"/"+a+".yaml", []byte(body), 0o644)
			}
			if _, err := Load(os.DirFS(dir)); err == nil {
				t.Error("Load accepted a bad case")
			}
		})
	}
}
