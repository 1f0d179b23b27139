package clausewatch_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

// allowed is the allow-list of imports: one line for every package of the
// module, "PKG: INTERNAL… | IO…", naming the internal packages PKG may
// import and, after "|", the I/O standard packages (ioPackages) it may
// import. Names are paths inside the module with "internal/" dropped
// ("terms", "notify/smtptest", "cmd/clausewatch"); "." is the module root
// (the embedded sources). Other standard packages are free; third-party
// modules are governed by owners below.
//
// A package without a line, or an import its line does not list, fails
// TestDependencies. To change a direction on purpose, edit the one line of
// the importing package (keep the lines sorted, one per package, so that
// merges stay line-local); the rules of never still apply.
var allowed = []string{
	".:",
	"cmd/clausewatch: cli | os os/signal syscall",
	"cmd/clausewatch-demo: . demo | os os/signal syscall",
	"attr: terms wordre",
	"baseline: compare inputfile terms yamlx | os",
	"bench:",
	"bench/loop: | net/http os",
	"bench/pageserver: fixture | net net/http os",
	"cli: . attr baseline chat compare deliver diff extract fetch inputfile notify pipeline report schedule site source store terms textesc webhook | net/http os",
	"compare: attr extract terms",
	"chat: report terms",
	"deliver: chat notify report store terms",
	"demo: fixture report source terms textesc | net net/http os os/exec syscall",
	"diff: terms textesc",
	"eval: attr compare terms",
	"extract: terms",
	"fetch: schedule terms | net net/http os os/exec",
	"fixture: textesc",
	"inputfile:",
	"notify: inputfile yamlx | net os",
	"notify/smtptest: | net",
	"pipeline: attr compare diff extract fetch schedule source store terms",
	"report: compare diff terms textesc",
	"schedule:",
	"site: compare diff report terms textesc | os",
	"source: inputfile terms yamlx | os",
	"store: terms | database/sql os syscall",
	"terms:",
	"textesc:",
	"webhook: report schedule terms | net/http",
	"wordre:",
	"yamlx:",
}

// ioPackages are the standard packages that reach outside the process:
// the network, files and processes, signals, databases.
var ioPackages = []string{"database/sql", "net", "net/http", "net/smtp", "os", "os/exec", "os/signal", "syscall"}

// never holds the "must not import" column of STYLE.md's package table
// (and textesc's promise to stay a leaf), checked before the allow-list so
// that adding a name to a line of allowed cannot quietly break a layering
// rule: "PKG: IMPORT…", each IMPORT an internal package (named as in
// allowed) or one of ioPackages; INTERNAL stands for every internal
// package, IO for every one of ioPackages, and "except NAME…" exempts the
// names after it. (Third-party libraries are owners' business.)
var never = []string{
	"terms: INTERNAL",
	"textesc: INTERNAL IO",
	"source: net/http store fetch cli",
	"fetch: store extract cli",
	"extract: net/http os store fetch cli",
	"diff: IO store fetch cli",
	"attr: IO store fetch diff cli",
	"wordre: INTERNAL IO",
	"compare: IO store fetch cli",
	"report: store notify cli",
	"notify: terms diff report store",
	"store: INTERNAL except terms",
	"pipeline: cli",
	"schedule: net/http notify",
	"site: net/http store fetch cli",
	"cmd/clausewatch: INTERNAL except cli",
}

// owners says which packages may import a third-party module: only the
// packages named may import a path with this prefix, and a third-party
// import no prefix covers fails (every dependency needs a reason and an
// owner).
var owners = map[string][]string{
	"modernc.org/sqlite":                 {"store"},
	"github.com/klauspost/compress/":     {"store"},
	"github.com/PuerkitoBio/goquery":     {"extract"},
	"github.com/andybalholm/cascadia":    {"extract", "source"},
	"golang.org/x/net/html":              {"extract", "bench/loop"}, // bench/loop: the plain baseline the check is measured against
	"golang.org/x/net/publicsuffix":      {"fetch"},
	"golang.org/x/text/":                 {"extract"},
	"github.com/sergi/go-diff":           {"diff"},
	"github.com/chromedp/":               {"fetch"},
	"github.com/wneessen/go-mail":        {"notify"},
	"github.com/nicholas-fedor/shoutrrr": {"chat"},
	"github.com/emersion/":               {"notify/smtptest"},
	"go.yaml.in/yaml/v3":                 {"yamlx", "source", "baseline", "notify", "eval"},
	"golang.org/x/term":                  {"cmd/clausewatch", "cmd/clausewatch-demo"},
}

const module = "github.com/clausewatch/clausewatch"

// TestDependencies enforces the package table of the style guide on the
// imports of every package of the module (test files excluded): the
// layering rules of never, the allow-list of internal and I/O imports, and
// the owners of third-party libraries.
func TestDependencies(t *testing.T) {
	imports := listImports(t)
	allow := parseAllowed(t)
	rules := parseNever(t, imports)

	var pkgs []string
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		line, listed := allow[pkg]
		if !listed {
			t.Errorf("%s is not in the allow-list: add the line %q to allowed in deps_test.go (and check it against STYLE.md's package table)",
				pkg, suggestLine(pkg, imports[pkg]))
		}
		for _, imp := range imports[pkg] {
			name, internal := shortName(imp)
			isIO := slices.Contains(ioPackages, imp)
			if why, bad := rules[pkg][name]; bad && (internal || isIO) {
				t.Errorf("%s imports %s, which the package table of STYLE.md forbids (never: %q in deps_test.go); move the code instead, or change the rule in STYLE.md and never together", pkg, imp, why)
				continue
			}
			switch {
			case internal:
				if listed && !slices.Contains(line.internal, name) {
					t.Errorf("%s imports %s, a direction its allow-list line does not list (%q); if it is meant, add %s before the | of that line in deps_test.go",
						pkg, imp, line.text, name)
				}
			case isIO:
				if listed && !slices.Contains(line.io, imp) {
					t.Errorf("%s imports the I/O package %s, which its allow-list line does not list (%q); if it is meant, add %s after the | of that line in deps_test.go",
						pkg, imp, line.text, imp)
				}
			case isStandard(imp):
				// Other standard packages are free.
			default:
				checkOwner(t, pkg, imp)
			}
		}
	}
	for pkg, line := range allow {
		if _, ok := imports[pkg]; !ok {
			t.Errorf("allow-list line %q names no package of the module: remove or rename it in deps_test.go", line.text)
		}
	}
}

// checkOwner reports a third-party import by a package that does not own
// the library, or of a library without an owner.
func checkOwner(t *testing.T, pkg, imp string) {
	t.Helper()
	for prefix, who := range owners {
		if strings.HasPrefix(imp, prefix) {
			if !slices.Contains(who, pkg) {
				t.Errorf("%s imports %s; only %v may (owners in deps_test.go)", pkg, imp, who)
			}
			return
		}
	}
	t.Errorf("%s imports %s, a third-party library without an owner: add it to owners in deps_test.go with the one package whose job it is", pkg, imp)
}

// listImports returns the non-test imports of every package of the module,
// by short name.
func listImports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
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
		name, _ := shortName(p.ImportPath)
		imports[name] = p.Imports
	}
	if len(imports) == 0 {
		t.Fatal("go list found no packages")
	}
	return imports
}

// shortName is the name the tables use for an import path of the module
// ("terms" for .../internal/terms, "." for the root) and whether the path
// is one of the module's.
func shortName(path string) (string, bool) {
	if path == module {
		return ".", true
	}
	rest, ok := strings.CutPrefix(path, module+"/")
	if !ok {
		return path, false
	}
	return strings.TrimPrefix(rest, "internal/"), true
}

// isStandard reports whether path is a standard library package (its first
// element has no dot).
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// allowLine is one parsed line of allowed.
type allowLine struct {
	text     string
	internal []string
	io       []string
}

func parseAllowed(t *testing.T) map[string]allowLine {
	t.Helper()
	out := map[string]allowLine{}
	for _, text := range allowed {
		pkg, rest, ok := strings.Cut(text, ":")
		if !ok || strings.TrimSpace(pkg) == "" {
			t.Fatalf("allow-list line %q: want \"PKG: INTERNAL… | IO…\"", text)
		}
		internal, io, _ := strings.Cut(rest, "|")
		l := allowLine{text: text, internal: strings.Fields(internal), io: strings.Fields(io)}
		for _, p := range l.io {
			if !slices.Contains(ioPackages, p) {
				t.Errorf("allow-list line %q: %s is not one of the I/O packages %v", text, p, ioPackages)
			}
		}
		if _, dup := out[pkg]; dup {
			t.Errorf("allow-list has two lines for %s", pkg)
		}
		out[pkg] = l
	}
	return out
}

// parseNever expands never into pkg -> forbidden name -> the rule's text.
func parseNever(t *testing.T, imports map[string][]string) map[string]map[string]string {
	t.Helper()
	var internal []string
	for p := range imports {
		internal = append(internal, p)
	}
	out := map[string]map[string]string{}
	for _, text := range never {
		pkg, rest, ok := strings.Cut(text, ":")
		if !ok {
			t.Fatalf("never rule %q: want \"PKG: IMPORT…\"", text)
		}
		names, except, _ := strings.Cut(rest, " except ")
		bad := map[string]string{}
		for _, n := range strings.Fields(names) {
			switch n {
			case "INTERNAL":
				for _, p := range internal {
					bad[p] = text
				}
			case "IO":
				for _, p := range ioPackages {
					bad[p] = text
				}
			default:
				bad[n] = text
			}
		}
		for _, n := range strings.Fields(except) {
			delete(bad, n)
		}
		delete(bad, pkg) // a package may always use itself
		out[pkg] = bad
	}
	return out
}

// suggestLine is the allow-list line that would admit pkg's imports today.
func suggestLine(pkg string, imps []string) string {
	var internal, io []string
	for _, imp := range imps {
		if name, ok := shortName(imp); ok {
			internal = append(internal, name)
		} else if slices.Contains(ioPackages, imp) {
			io = append(io, imp)
		}
	}
	s := pkg + ":"
	if len(internal) > 0 {
		s += " " + strings.Join(internal, " ")
	}
	if len(io) > 0 {
		s += " | " + strings.Join(io, " ")
	}
	return s
}
