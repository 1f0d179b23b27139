package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// valid is a small declaration in the shape of the shipped ones, our own
// words. Line numbers matter to the tests below.
const valid = `vendor: acme
name: Acme AI
tiers:
  - id: free
    label: Free
  - id: business
documents:
  - id: acme-terms
    title: Terms of Use
    url: https://acme.example/legal/terms
    select: [main, "#content"]
    remove: [nav, footer]
    tiers: [free]
    headers: {Accept-Language: en-GB}
  - id: acme-business
    url: https://acme.example/legal/business
    tiers: [free, business]
    render: browser
attributes:
  - source: acme-terms
    tiers: [free]
    attribute: training
    clause: "Your content > How we use it"
    match: "(?i)train"
  - source: acme-business
    attribute: retention
`

func TestLoadValid(t *testing.T) {
	got, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(valid)}})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []terms.Vendor{{
		ID:   "acme",
		Name: "Acme AI",
		Tiers: []terms.Tier{
			{ID: "free", Label: "Free"},
			{ID: "business", Label: "business"},
		},
		Sources: []terms.Source{{
			ID: "acme-terms", Vendor: "acme", Title: "Terms of Use",
			URL:     "https://acme.example/legal/terms",
			Select:  []string{"main", "#content"},
			Remove:  []string{"nav", "footer"},
			Tiers:   []string{"free"},
			Headers: map[string]string{"Accept-Language": "en-GB"},
			File:    "sources/acme.yaml", Line: 8,
		}, {
			ID: "acme-business", Vendor: "acme", Title: "acme-business",
			URL:    "https://acme.example/legal/business",
			Tiers:  []string{"free", "business"},
			Render: terms.RenderBrowser,
			File:   "sources/acme.yaml", Line: 15,
		}},
		Rules: []terms.Rule{{
			Source: "acme-terms", Tiers: []string{"free"}, Attribute: "training",
			Clause: "Your content > How we use it", Match: "(?i)train",
			File: "sources/acme.yaml", Line: 20,
		}, {
			// tiers omitted: the source's tiers
			Source: "acme-business", Tiers: []string{"free", "business"}, Attribute: "retention",
			File: "sources/acme.yaml", Line: 25,
		}},
		File:  "sources/acme.yaml",
		Names: []string{"Acme AI"}, // names omitted: the display name
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
}

// named declares the names pages use for a made-up vendor, its products,
// the clouds that resell it and its tiers. Line numbers matter to the tests
// below.
const named = `vendor: lumen
name: Lumen
names: [Lumen, Lumen Labs Inc.]
products: Lumen Chat
clouds:
  - Stratus Web Services
  - SWS
tiers:
  - id: personal
    names: [Personal plan, "  Lumen   Chat  Free "]
  - id: business
    label: Business
    names: [Business plan, commercial services]
  - id: api
    names: [Lumen API, commercial services]
documents:
  - id: lumen-terms
    url: https://lumen.example/terms
    tiers: [personal]
`

func TestLoadNames(t *testing.T) {
	got, err := Load(fstest.MapFS{"lumen.yaml": {Data: []byte(named)}})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	v := got[0]
	if diff := cmp.Diff([]string{"Lumen", "Lumen Labs Inc."}, v.Names); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Lumen Chat"}, v.Products); diff != "" {
		t.Errorf("Products (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Stratus Web Services", "SWS"}, v.Clouds); diff != "" {
		t.Errorf("Clouds (-want +got):\n%s", diff)
	}
	wantTiers := []terms.Tier{
		{ID: "personal", Label: "personal", Names: []string{"Personal plan", "Lumen Chat Free"}},
		{ID: "business", Label: "Business", Names: []string{"Business plan", "commercial services"}},
		// one name may stand for several tiers
		{ID: "api", Label: "api", Names: []string{"Lumen API", "commercial services"}},
	}
	if diff := cmp.Diff(wantTiers, v.Tiers); diff != "" {
		t.Errorf("Tiers (-want +got):\n%s", diff)
	}
}

func TestLoadNameErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // "LINE: FIELD…" of the message after "sources/lumen.yaml:"
		err  error
	}{
		{"unknown vendor field", strings.Replace(named, "products:", "product:", 1), "4: product", ErrUnknownField},
		{"empty vendor name", strings.Replace(named, "[Lumen, Lumen Labs Inc.]", `[Lumen, ""]`, 1), "3: names[1]", ErrEmpty},
		{"blank product", strings.Replace(named, "products: Lumen Chat", "products: ['  ']", 1), "4: products[0]", ErrEmpty},
		{"empty names list", strings.Replace(named, "[Lumen, Lumen Labs Inc.]", "[]", 1), "3: names: empty value: no name given", ErrEmpty},
		{"null clouds", strings.Replace(named, "clouds:\n  - Stratus Web Services\n  - SWS\n", "clouds:\n", 1), "5: clouds", ErrEmpty},
		{"empty tier names", strings.Replace(named, "[Business plan, commercial services]", `""`, 1), "13: tiers[1].names", ErrEmpty},
		{"vendor name twice", strings.Replace(named, "Lumen Labs Inc.", "lumen", 1), `3: names[1]: duplicate name "lumen" (first listed at line 3)`, ErrDuplicateName},
		{"cloud twice in another case", strings.Replace(named, "  - SWS", "  - stratus  web services", 1),
			`7: clouds[1]: duplicate name "stratus  web services" (first listed at line 6)`, ErrDuplicateName},
		{"tier name twice", strings.Replace(named, "[Lumen API, commercial services]", "[Lumen API, Lumen API]", 1),
			"15: tiers[2].names[1]", ErrDuplicateName},
		{"cloud is the vendor", strings.Replace(named, "  - SWS", "  - Lumen Labs Inc.", 1),
			`7: clouds[1]: duplicate name "Lumen Labs Inc.": also listed under names (line 3)`, ErrDuplicateName},
		{"cloud is a product", strings.Replace(named, "  - SWS", "  - Lumen chat", 1),
			"7: clouds[1]", ErrDuplicateName},
		{"names not a list of strings", strings.Replace(named, "products: Lumen Chat", "products: {Lumen: Chat}", 1),
			"4: products", ErrType},
		{"unknown tier field", strings.Replace(named, "    names: [Personal plan", "    name: [Personal plan", 1),
			"10: tiers[0].name", ErrUnknownField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"lumen.yaml": {Data: []byte(tt.yaml)}})
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			t.Log(err)
			if want := "sources/lumen.yaml:" + tt.want; !hasLinePrefix(err.Error(), want) {
				t.Errorf("no line of the error starts with %q:\n%v", want, err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // "LINE: FIELD" of the message after "sources/acme.yaml:"
		err  error
	}{
		{"unknown top-level field", valid + "vendorr: x\n", "27: vendorr", ErrUnknownField},
		{"unknown document field", strings.Replace(valid, "    render: browser", "    rendr: browser", 1),
			"18: documents[1].rendr", ErrUnknownField},
		{"unknown tier field", strings.Replace(valid, "    label: Free", "    lable: Free", 1),
			"5: tiers[0].lable", ErrUnknownField},
		{"unknown rule field", strings.Replace(valid, `    match: "(?i)train"`, `    matches: "(?i)train"`, 1),
			"24: attributes[0].matches", ErrUnknownField},
		{"duplicate field", strings.Replace(valid, "name: Acme AI\n", "name: Acme AI\nname: Acme\n", 1),
			"3: name", ErrDuplicateField},
		{"missing vendor", strings.Replace(valid, "vendor: acme\n", "", 1), "1: vendor", ErrMissing},
		{"null vendor", strings.Replace(valid, "vendor: acme", "vendor:", 1), "1: vendor", ErrMissing},
		{"missing document id", strings.Replace(valid, "  - id: acme-business\n    url:", "  - url:", 1),
			"15: documents[1].id", ErrMissing},
		{"missing url", strings.Replace(valid, "    url: https://acme.example/legal/business\n", "", 1),
			"15: documents[1].url", ErrMissing},
		{"missing tier id", strings.Replace(valid, "  - id: business", "  - label: Business", 1),
			"6: tiers[1].id", ErrMissing},
		{"no documents", valid[:strings.Index(valid, "documents:")], "1: documents", ErrMissing},
		{"vendor id upper case", strings.Replace(valid, "vendor: acme", "vendor: Acme", 1), "1: vendor", ErrInvalidID},
		{"tier id with underscore", strings.Replace(valid, "id: business", "id: big_business", 1),
			"6: tiers[1].id", ErrInvalidID},
		{"document id with double hyphen", strings.Replace(valid, "id: acme-terms", "id: acme--terms", 1),
			"8: documents[0].id", ErrInvalidID},
		{"duplicate tier", strings.Replace(valid, "id: business", "id: free", 1),
			"6: tiers[1].id", ErrDuplicateTier},
		{"tier listed twice", strings.Replace(valid, "tiers: [free, business]", "tiers: [free, free]", 1),
			"17: documents[1].tiers[1]", ErrDuplicateTier},
		{"duplicate document in file", strings.Replace(valid, "id: acme-business", "id: acme-terms", 1),
			"15: documents[1].id", ErrDuplicateSource},
		{"relative url", strings.Replace(valid, "https://acme.example/legal/terms", "/legal/terms", 1),
			"10: documents[0].url", ErrInvalidURL},
		{"ftp url", strings.Replace(valid, "https://acme.example/legal/terms", "ftp://acme.example/terms", 1),
			"10: documents[0].url", ErrInvalidURL},
		{"url without host", strings.Replace(valid, "https://acme.example/legal/terms", "https:///legal/terms", 1),
			"10: documents[0].url", ErrInvalidURL},
		{"unparsable url", strings.Replace(valid, "https://acme.example/legal/terms", "https://acme.example:port/", 1),
			"10: documents[0].url", ErrInvalidURL},
		{"invalid select", strings.Replace(valid, `select: [main, "#content"]`, `select: [main, "div["]`, 1),
			`11: documents[0].select[1]: invalid CSS selector "div["`, ErrInvalidSelector},
		{"invalid remove on its own line", strings.Replace(valid, "remove: [nav, footer]", "remove:\n      - nav\n      - 'a >> b'", 1),
			"14: documents[0].remove[1]", ErrInvalidSelector},
		{"empty selector", strings.Replace(valid, `select: [main, "#content"]`, `select: [main, ""]`, 1),
			"11: documents[0].select[1]", ErrEmpty},
		{"document names undeclared tier", strings.Replace(valid, "tiers: [free]\n    headers", "tiers: [pro]\n    headers", 1),
			`13: documents[0].tiers[0]: undeclared tier "pro"`, ErrUnknownTier},
		{"rule names undeclared tier", strings.Replace(valid, "    tiers: [free]\n    attribute", "    tiers: [enterprise]\n    attribute", 1),
			"21: attributes[0].tiers[0]", ErrUnknownTier},
		{"rule names unknown source", strings.Replace(valid, "  - source: acme-business", "  - source: acme-privacy", 1),
			`25: attributes[1].source: unknown source "acme-privacy"`, ErrUnknownSource},
		{"rule without source", strings.Replace(valid, "  - source: acme-business\n", "  - tiers: [free]\n", 1),
			"25: attributes[1].source", ErrMissing},
		{"rule names unknown attribute", strings.Replace(valid, "attribute: retention", "attribute: retension", 1),
			`26: attributes[1].attribute: unknown attribute "retension"`, ErrUnknownAttribute},
		{"rule without attribute", strings.Replace(valid, "    attribute: retention\n", "", 1),
			"25: attributes[1].attribute", ErrMissing},
		{"bad regexp", strings.Replace(valid, `match: "(?i)train"`, `match: "(train"`, 1),
			"24: attributes[0].match", ErrInvalidRegexp},
		{"empty clause element", strings.Replace(valid, "Your content > How we use it", "Your content > > How", 1),
			"23: attributes[0].clause", ErrInvalidClause},
		{"render other than browser", strings.Replace(valid, "render: browser", "render: chrome", 1),
			`18: documents[1].render: invalid render mode "chrome"`, ErrInvalidRender},
		{"header name not a token", strings.Replace(valid, "{Accept-Language: en-GB}", `{"Accept Language": en-GB}`, 1),
			"14: documents[0].headers.Accept Language", ErrInvalidHeader},
		{"header value with newline", strings.Replace(valid, "{Accept-Language: en-GB}", `{X-Region: "eu\nus"}`, 1),
			"14: documents[0].headers.X-Region", ErrInvalidHeader},
		{"header given twice", strings.Replace(valid, "{Accept-Language: en-GB}", "{Accept-Language: en-GB, accept-language: fr}", 1),
			"14: documents[0].headers.accept-language", ErrInvalidHeader},
		{"headers not a mapping", strings.Replace(valid, "{Accept-Language: en-GB}", "[en-GB]", 1),
			"14: documents[0].headers", ErrType},
		{"tiers not a list", strings.Replace(valid, "tiers:\n  - id: free", "tiers: {id: free}\nx:\n  - id: free", 1),
			"3: tiers", ErrType},
		{"document is a string", strings.Replace(valid, "documents:\n", "documents:\n  - acme-privacy\n", 1),
			"8: documents[0]", ErrType},
		{"url is a list", strings.Replace(valid, "url: https://acme.example/legal/business", "url: [https://acme.example/]", 1),
			"16: documents[1].url", ErrType},
		{"top level is a list", "- vendor: acme\n", "1: wrong type", ErrType},
		{"empty file", "", "1: empty declaration file", ErrEmptyFile},
		{"comments only", "# nothing yet\n\n", "1: empty declaration file", ErrEmptyFile},
		{"syntax error", "vendor: acme\ntiers:\n  - id: free\n - id: team\n", "3: YAML syntax error", ErrSyntax},
		{"tab indentation", "vendor: acme\ntiers:\n\t- id: free\n", "3: YAML syntax error", ErrSyntax},
		{"two documents", valid + "---\nvendor: other\n", "27: YAML syntax error", ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vendors, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(tt.yaml)}})
			if err == nil {
				t.Fatalf("Load succeeded (%d vendors), want an error", len(vendors))
			}
			if vendors != nil {
				t.Errorf("Load returned vendors with an error: %v", vendors)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error does not wrap %v:\n%v", tt.err, err)
			}
			t.Log(err)
			want := "sources/acme.yaml:" + tt.want
			if !hasLinePrefix(err.Error(), want) {
				t.Errorf("no line of the error starts with %q:\n%v", want, err)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "sources/acme.yaml" {
				t.Errorf("error is not a *Error naming the file: %#v", err)
			}
		})
	}
}

// hasLinePrefix reports whether a line of msg starts with prefix.
func hasLinePrefix(msg, prefix string) bool {
	for _, line := range strings.Split(msg, "\n") {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}

func TestLoadReportsEveryProblem(t *testing.T) {
	yaml := `vendor: acme
tiers:
  - id: free
documents:
  - id: Acme-Terms
    url: acme.example/terms
    select: ["div["]
    tiers: [pro]
attributes:
  - source: acme-terms
    attribute: colour
`
	_, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(yaml)}})
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	want := []string{
		"sources/acme.yaml:5: documents[0].id: invalid id",
		"sources/acme.yaml:6: documents[0].url: invalid URL",
		`sources/acme.yaml:7: documents[0].select[0]: invalid CSS selector "div["`,
		`sources/acme.yaml:8: documents[0].tiers[0]: undeclared tier "pro"`,
		`sources/acme.yaml:10: attributes[0].source: unknown source "acme-terms"`,
		`sources/acme.yaml:11: attributes[0].attribute: unknown attribute "colour"`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestLoadAcrossFiles(t *testing.T) {
	other := `vendor: other
tiers: [{id: free}]
documents:
  - id: other-terms
    url: https://other.example/terms
  - id: acme-terms
    url: https://other.example/acme
`
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
		err   error
	}{
		{"duplicate source id", fstest.MapFS{"acme.yaml": {Data: []byte(valid)}, "other.yml": {Data: []byte(other)}},
			`sources/other.yml:6: documents[1].id: duplicate source id "acme-terms" (first declared at sources/acme.yaml:8)`,
			ErrDuplicateSource},
		{"duplicate vendor id", fstest.MapFS{
			"acme.yaml":  {Data: []byte(valid)},
			"acme2.yaml": {Data: []byte("# again\nvendor: acme\ndocuments:\n  - {id: acme-x, url: 'https://acme.example/x'}\n")}},
			`sources/acme2.yaml:2: vendor: duplicate vendor id "acme" (first declared in sources/acme.yaml)`,
			ErrDuplicateVendor},
		{"error in one file of two", fstest.MapFS{"acme.yaml": {Data: []byte(valid)}, "b.yaml": {Data: []byte("vendor: b\n")}},
			"sources/b.yaml:1: documents", ErrMissing},
		{"no declaration files", fstest.MapFS{"README.md": {Data: []byte("x")}, "baselines/acme.yaml": {Data: []byte("x: 1")}},
			"sources: no *.yaml", ErrNoFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.files)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if !hasLinePrefix(err.Error(), tt.want) {
				t.Errorf("no line starts with %q:\n%v", tt.want, err)
			}
		})
	}
}

func TestLoadSelectsTopLevelYAML(t *testing.T) {
	files := fstest.MapFS{
		"b.yml":               {Data: []byte(strings.ReplaceAll(valid, "acme", "bee"))},
		"a.yaml":              {Data: []byte(valid)},
		"README.md":           {Data: []byte("not yaml: [")},
		".draft.yaml":         {Data: []byte("not yaml: [")},
		"baselines/acme.yaml": {Data: []byte("documented: {}")},
	}
	vendors, err := Load(files)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var ids []string
	for _, v := range vendors {
		ids = append(ids, v.ID+"@"+v.File)
	}
	if diff := cmp.Diff([]string{"acme@sources/a.yaml", "bee@sources/b.yml"}, ids); diff != "" {
		t.Errorf("vendors (-want +got):\n%s", diff)
	}
}

func TestLoadDir(t *testing.T) {
	t.Run("names files under dir", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(strings.Replace(valid, "render: browser", "render: js", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadDir(dir)
		want := filepath.Join(dir, "acme.yaml") + ":18: documents[1].render"
		if !errors.Is(err, ErrInvalidRender) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("err = %v, want prefix %q", err, want)
		}
	})
	t.Run("sets File", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(valid), 0o644); err != nil {
			t.Fatal(err)
		}
		vendors, err := LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(dir, "acme.yaml")
		if vendors[0].File != want || vendors[0].Sources[1].File != want || vendors[0].Rules[0].File != want {
			t.Errorf("File fields = %q, %q, %q; want %q", vendors[0].File, vendors[0].Sources[1].File, vendors[0].Rules[0].File, want)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "nope")
		_, err := LoadDir(dir)
		if err == nil || !strings.Contains(err.Error(), dir) {
			t.Errorf("err = %v, want it to name %s", err, dir)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		dir := t.TempDir()
		// A directory named like a declaration is skipped; a dangling
		// symlink is a file that cannot be read.
		if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "acme.yaml")); err != nil {
			t.Skip("symlinks not supported:", err)
		}
		_, err := LoadDir(dir)
		if !errors.Is(err, ErrRead) || !strings.Contains(err.Error(), filepath.Join(dir, "acme.yaml")) {
			t.Errorf("err = %v, want ErrRead naming the file", err)
		}
	})
}

func TestFindAll(t *testing.T) {
	vendors, err := Load(fstest.MapFS{
		"acme.yaml": {Data: []byte(valid)},
		"bee.yaml":  {Data: []byte(strings.ReplaceAll(valid, "acme", "bee"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range All(vendors) {
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"acme-terms", "acme-business", "bee-terms", "bee-business"}, ids); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	tests := []struct {
		id, vendor string
		ok         bool
	}{
		{"bee-business", "bee", true},
		{"acme-terms", "acme", true},
		{"acme-privacy", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			v, s, ok := Find(vendors, tt.id)
			if ok != tt.ok || v.ID != tt.vendor || ok && s.ID != tt.id {
				t.Errorf("Find(%q) = %q, %q, %v; want vendor %q, ok %v", tt.id, v.ID, s.ID, ok, tt.vendor, tt.ok)
			}
		})
	}
	if got := All(nil); got != nil {
		t.Errorf("All(nil) = %v, want nil", got)
	}
}

func TestPrimaryAndExclude(t *testing.T) {
	good := "vendor: acme\nname: Acme\ntiers: [{id: api, label: API}]\ndocuments:\n" +
		"  - {id: acme-ret, title: R, url: 'https://acme.example/r', tiers: [api], primary: [retention]}\n" +
		"attributes:\n  - {source: acme-ret, attribute: training, clause: 'Other', exclude: true}\n"
	vs, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(good)}})
	if err != nil {
		t.Fatal(err)
	}
	if src := vs[0].Sources[0]; len(src.Primary) != 1 || src.Primary[0] != "retention" {
		t.Errorf("primary = %v", src.Primary)
	}
	if r := vs[0].Rules[0]; !r.Exclude {
		t.Errorf("exclude not read: %+v", r)
	}
	for name, doc := range map[string]string{
		"primary names no attribute": strings.Replace(good, "primary: [retention]", "primary: [colour]", 1),
		"exclude is not a bool":      strings.Replace(good, "exclude: true", "exclude: maybe", 1),
	} {
		if _, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(doc)}}); err == nil || !strings.Contains(err.Error(), "acme.yaml:") {
			t.Errorf("%s: err %v, want a positioned error", name, err)
		}
	}
}

func TestBrowserAllow(t *testing.T) {
	withAllow := func(list string) string {
		return strings.Replace(valid, "render: browser\n", "render: browser\n    browser_allow: "+list+"\n", 1)
	}
	t.Run("valid", func(t *testing.T) {
		vendors, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(withAllow("[CDN.Acme-Static.example., 203.0.113.7, '[2001:db8::1]']"))}})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		_, s, _ := Find(vendors, "acme-business")
		want := []string{"cdn.acme-static.example", "203.0.113.7", "[2001:db8::1]"}
		if diff := cmp.Diff(want, s.BrowserAllow); diff != "" {
			t.Errorf("BrowserAllow (-want +got):\n%s", diff)
		}
	})
	tests := []struct {
		name, yaml, want string
		err              error
	}{
		{"scheme", withAllow("[https://cdn.example]"), `19: documents[1].browser_allow[0]: invalid host "https://cdn.example"`, ErrInvalidHost},
		{"port", withAllow("[cdn.example:8443]"), `19: documents[1].browser_allow[0]: invalid host "cdn.example:8443"`, ErrInvalidHost},
		{"path", withAllow("[ok.example, cdn.example/js]"), `19: documents[1].browser_allow[1]: invalid host "cdn.example/js"`, ErrInvalidHost},
		{"wildcard", withAllow("['*.cdn.example']"), `19: documents[1].browser_allow[0]: invalid host "*.cdn.example"`, ErrInvalidHost},
		{"empty", withAllow("['']"), "19: documents[1].browser_allow[0]: empty value", ErrEmpty},
		{"twice", withAllow("[cdn.example, CDN.example]"), `19: documents[1].browser_allow[1]: invalid host "CDN.example": listed twice`, ErrInvalidHost},
		{"not a list", withAllow("{cdn: x}"), "19: documents[1].browser_allow", ErrType},
		{"without render browser", strings.Replace(valid, "    headers: {Accept-Language: en-GB}\n", "    headers: {Accept-Language: en-GB}\n    browser_allow: [cdn.example]\n", 1),
			"15: documents[0].browser_allow: invalid value: browser_allow applies only to a document with render: browser", ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(tt.yaml)}})
			if !errors.Is(err, tt.err) {
				t.Fatalf("error does not wrap %v:\n%v", tt.err, err)
			}
			if want := "sources/acme.yaml:" + tt.want; !hasLinePrefix(err.Error(), want) {
				t.Errorf("no line of the error starts with %q:\n%v", want, err)
			}
		})
	}
}
