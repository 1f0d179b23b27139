package yamlx

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

var (
	errSyntax  = errors.New("syntax")
	errType    = errors.New("type")
	errUnknown = errors.New("unknown")
	errDup     = errors.New("dup")
	errEmpty   = errors.New("empty file")
	errExtra   = errors.New("extra document")
	errItem    = errors.New("empty item")
)

// recorder is a Reader whose problems read "LINE: FIELD: problem".
type recorder struct {
	Reader
	got []string
}

func newRecorder(trim bool) *recorder {
	r := &recorder{}
	r.Reader = Reader{
		Fail: func(line int, field string, err error) {
			r.got = append(r.got, fmt.Sprintf("%d: %s: %v", line, field, err))
		},
		Errs: Errors{Syntax: errSyntax, Type: errType, UnknownField: errUnknown, DuplicateField: errDup,
			EmptyFile: errEmpty, ExtraDocument: errExtra, EmptyItem: errItem},
		Words: Words{Scalar: "the value %q", Other: "another kind of node", String: "a string"},
		Trim:  trim,
	}
	return r
}

// root parses src into its top-level node.
func root(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func TestDocument(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // problems; none means a root is returned
	}{
		{"mapping", "a: 1\n", nil},
		{"empty", "", []string{"1: : empty file"}},
		{"comment only", "# nothing\n", []string{"1: : empty file"}},
		{"null", "~\n", []string{"1: : empty file"}},
		{"second document (at its \"---\")", "a: 1\n---\nb: 2\n", []string{"2: : extra document"}},
		{"syntax", "a: [1\n", []string{"1: : syntax: did not find expected ',' or ']'"}},
		{"syntax in second document", "a: 1\n---\nb: [\n", []string{"3: : syntax: did not find expected node content"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(false)
			n, ok := r.Document([]byte(tc.src))
			if diff := cmp.Diff(tc.want, r.got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if ok != (tc.want == nil) || ok != (n != nil) {
				t.Errorf("Document = %v, %v", n, ok)
			}
		})
	}
}

func TestSyntaxLine(t *testing.T) {
	for _, tc := range []struct {
		err  string
		line int
		msg  string
	}{
		{"yaml: line 3: mapping values are not allowed in this context", 3, "mapping values are not allowed in this context"},
		{"yaml: control characters are not allowed", 0, "control characters are not allowed"},
		{"line 12: x", 12, "x"},
	} {
		line, msg := SyntaxLine(errors.New(tc.err))
		if line != tc.line || msg != tc.msg {
			t.Errorf("SyntaxLine(%q) = %d, %q; want %d, %q", tc.err, line, msg, tc.line, tc.msg)
		}
	}
}

func TestFields(t *testing.T) {
	known := []string{"id", "url"}
	for _, tc := range []struct {
		name, src string
		keys      string // the keys returned, sorted, joined by ","
		want      []string
		unknown   func(at, key string) error
	}{
		{"known", "id: a\nurl: b\n", "id,url", nil, nil},
		{"unknown", "id: a\nuri: b\n", "id",
			[]string{"2: doc.uri: unknown (want one of id, url)"}, nil},
		{"duplicate", "id: a\nurl: b\nid: c\n", "id,url",
			[]string{"3: doc.id: dup (first given at line 1)"}, nil},
		{"non-scalar key", "[x]: a\nid: b\n", "id",
			[]string{"1: doc: type: want a field name, got a list"}, nil},
		{"alias key", "id: &k url\n*k : b\n", "id,url", nil, nil},
		{"not a mapping", "- a\n", "",
			[]string{"1: doc: type: want a mapping of id, url, got a list"}, nil},
		{"hint for an unknown key", "secret: x\nother: y\n", "",
			[]string{"1: doc.secret: unknown: never here", "2: doc.other: unknown (want one of id, url)"},
			func(at, key string) error {
				if at == "doc" && key == "secret" {
					return fmt.Errorf("%w: never here", errUnknown)
				}
				return nil
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(false)
			r.Unknown = tc.unknown
			f, ok := r.Fields(root(t, tc.src), "doc", known)
			var keys []string
			for _, k := range known {
				if _, in := f[k]; in {
					keys = append(keys, k)
				}
			}
			if got := strings.Join(keys, ","); got != tc.keys {
				t.Errorf("keys = %q, want %q", got, tc.keys)
			}
			if ok != (f != nil) {
				t.Errorf("ok = %v with fields %v", ok, f)
			}
			if diff := cmp.Diff(tc.want, r.got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPairs(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		keys      string // the keys returned, in order, joined by ","
		want      []string
	}{
		{"any keys in file order", "zeta: 1\nalpha: 2\n", "zeta,alpha", nil},
		{"duplicate", "a: 1\nb: 2\na: 3\n", "a,b", []string{"3: tiers.a: dup (first given at line 1)"}},
		{"non-scalar key", "[x]: 1\nb: 2\n", "b", []string{"1: tiers: type: want a field name, got a list"}},
		{"not a mapping", "- a\n", "", []string{"1: tiers: type: want a mapping of tier ids, got a list"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(false)
			pairs, ok := r.Pairs(root(t, tc.src), "tiers", "tier ids")
			var keys []string
			for _, e := range pairs {
				keys = append(keys, e.Key.Value)
			}
			if got := strings.Join(keys, ","); got != tc.keys {
				t.Errorf("keys = %q, want %q", got, tc.keys)
			}
			if wantOK := tc.name != "not a mapping"; ok != wantOK {
				t.Errorf("ok = %v, want %v", ok, wantOK)
			}
			if diff := cmp.Diff(tc.want, r.got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDocumentNode(t *testing.T) {
	r := newRecorder(false)
	doc, ok := r.DocumentNode([]byte("# head\n\na: 1\n"))
	if !ok || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf("DocumentNode = %v, %v; want the document node holding the mapping", doc, ok)
	}
	if _, ok := r.DocumentNode([]byte("")); ok || len(r.got) != 1 {
		t.Errorf("DocumentNode(empty) = ok %v, problems %v", ok, r.got)
	}
}

func TestStr(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		trim      bool
		want      string
		problems  []string
	}{
		{"plain", "v: hello\n", false, "hello", nil},
		{"spaces kept", "v: ' x '\n", false, " x ", nil},
		{"spaces trimmed", "v: ' x '\n", true, "x", nil},
		{"null", "v: ~\n", false, "", nil},
		{"absent", "w: 1\n", false, "", nil},
		{"number", "v: 7\n", false, "7", nil},
		{"alias", "a: &x y\nv: *x\n", false, "y", nil},
		{"list", "v: [a]\n", false, "", []string{"1: v: type: want a string, got a list"}},
		{"mapping", "v: {a: b}\n", false, "", []string{"1: v: type: want a string, got a mapping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(tc.trim)
			n := root(t, tc.src)
			f, _ := r.Fields(n, "", []string{"a", "v", "w"})
			if got := r.Str(f["v"], "v"); got != tc.want {
				t.Errorf("Str = %q, want %q", got, tc.want)
			}
			if diff := cmp.Diff(tc.problems, r.got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSeqAndStrList(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		seq       int // number of items Seq returns
		items     []Item
		problems  []string // of Seq then StrList
	}{
		{"absent", "w: 1\n", 0, nil, nil},
		{"null", "v: ~\n", 0, nil, nil},
		{"single string", "v: a\n", 0, []Item{{Val: "a", Line: 1, Field: "v"}},
			[]string{`1: v: type: want a list, got the value "a"`}},
		{"list", "v:\n  - a\n  - b\n", 2,
			[]Item{{Val: "a", Line: 2, Field: "v[0]"}, {Val: "b", Line: 3, Field: "v[1]"}}, nil},
		{"empty items", "v: [a, '', ' ', ~]\n", 4, []Item{{Val: "a", Line: 1, Field: "v[0]"}},
			[]string{"1: v[1]: empty item", "1: v[2]: empty item", "1: v[3]: empty item"}},
		{"nested list", "v: [[a], b]\n", 2, []Item{{Val: "b", Line: 1, Field: "v[1]"}},
			[]string{"1: v[0]: type: want a string, got a list"}},
		{"aliased items", "a: &x z\nv: [*x]\n", 1, []Item{{Val: "z", Line: 1, Field: "v[0]"}}, nil},
		{"mapping", "v: {a: b}\n", 0, nil,
			[]string{"1: v: type: want a list, got a mapping", "1: v: type: want a list, got a mapping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(false)
			f, _ := r.Fields(root(t, tc.src), "", []string{"a", "v", "w"})
			if got := len(r.Seq(f["v"], "v")); got != tc.seq {
				t.Errorf("Seq returned %d items, want %d", got, tc.seq)
			}
			if diff := cmp.Diff(tc.items, r.StrList(f["v"], "v")); diff != "" {
				t.Errorf("StrList (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.problems, r.got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	source := Words{Scalar: "the value %q", Other: "another kind of node"}
	notify := Words{Scalar: "%q", Other: "something else"}
	for _, tc := range []struct {
		n            *yaml.Node
		source, noti string
	}{
		{&yaml.Node{Kind: yaml.MappingNode}, "a mapping", "a mapping"},
		{&yaml.Node{Kind: yaml.SequenceNode}, "a list", "a list"},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "~"}, "nothing", "nothing"},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "x"}, `the value "x"`, `"x"`},
		{&yaml.Node{Kind: yaml.DocumentNode}, "another kind of node", "something else"},
	} {
		if got := (&Reader{Words: source}).KindOf(tc.n); got != tc.source {
			t.Errorf("KindOf(%v) = %q, want %q", tc.n, got, tc.source)
		}
		if got := (&Reader{Words: notify}).KindOf(tc.n); got != tc.noti {
			t.Errorf("KindOf(%v) = %q, want %q", tc.n, got, tc.noti)
		}
	}
}

func TestResolveAndIsNull(t *testing.T) {
	target := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	alias := &yaml.Node{Kind: yaml.AliasNode, Alias: &yaml.Node{Kind: yaml.AliasNode, Alias: target}}
	if got := Resolve(alias); got != target {
		t.Errorf("Resolve(alias of alias) = %v, want the target", got)
	}
	dangling := &yaml.Node{Kind: yaml.AliasNode}
	if got := Resolve(dangling); got != dangling {
		t.Errorf("Resolve(dangling alias) = %v, want itself", got)
	}
	for _, tc := range []struct {
		n    *yaml.Node
		want bool
	}{
		{nil, true},
		{target, true},
		{alias, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "tag:yaml.org,2002:null"}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "~"}, false},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str"}, false},
		{&yaml.Node{Kind: yaml.MappingNode}, false},
	} {
		if got := IsNull(tc.n); got != tc.want {
			t.Errorf("IsNull(%v) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestLineOfAndJoin(t *testing.T) {
	parent := &yaml.Node{Line: 4}
	if got := LineOf(Entry{Key: &yaml.Node{Line: 6}}, parent); got != 6 {
		t.Errorf("LineOf(present) = %d, want 6", got)
	}
	if got := LineOf(Entry{}, parent); got != 4 {
		t.Errorf("LineOf(absent) = %d, want 4", got)
	}
	for _, tc := range []struct{ at, key, want string }{
		{"", "id", "id"},
		{"documents[0]", "id", "documents[0].id"},
		{"smtp", "host", "smtp.host"},
	} {
		if got := Join(tc.at, tc.key); got != tc.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tc.at, tc.key, got, tc.want)
		}
	}
}

func TestValidID(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"acme", true},
		{"api-zdr", true},
		{"gpt-4o", true},
		{"42", true},
		{"", false},
		{"-a", false},
		{"a-", false},
		{"a--b", false},
		{"Acme", false},
		{"a_b", false},
		{"a b", false},
		{"é", false},
	} {
		if got := ValidID(tc.s); got != tc.want {
			t.Errorf("ValidID(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	base := errors.New("invalid value")
	cases := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a.yaml", Line: 4, Field: "smtp.tls", Err: base}, "a.yaml:4: smtp.tls: invalid value"},
		{&Error{File: "a.yaml", Line: 2, Err: base}, "a.yaml:2: invalid value"},
		{&Error{File: "a.yaml", Err: base}, "a.yaml: invalid value"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
		if !errors.Is(c.err, base) {
			t.Errorf("%q does not unwrap to its cause", c.err)
		}
	}
}
