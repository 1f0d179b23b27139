// Package yamlx holds the strict YAML node-walking helpers shared by the
// file loaders (internal/source's declarations, internal/notify's mail
// settings, internal/baseline's documented baselines): reading one
// document, following aliases, reading a mapping whose keys must be known
// and unique (or any unique keys, for maps such as tier -> attributes), and
// reading scalars, lists and lists of strings while recording every problem
// with its line and field path.
//
// yamlx owns no error type and no wording of its own that a caller cannot
// choose: a Reader records each problem through its Fail function, wrapping
// the caller's sentinel errors, so each loader keeps its "FILE:LINE: FIELD:
// problem" messages.
package yamlx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem of a YAML file at a position. Its message reads
// "FILE:LINE: FIELD: problem"; Line is 0 and left out when the problem has
// no position (an unreadable file), Field is empty for whole-file problems.
// Each loader names it for its own users (source.Error,
// notify.ConfigError) and wraps its own sentinel errors in Err.
type Error struct {
	File  string
	Line  int
	Field string
	Err   error
}

// Error formats the problem as "FILE:LINE: FIELD: problem".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// Entry is one key: value pair of a YAML mapping; both are nil when the
// field is absent.
type Entry struct {
	Key, Val *yaml.Node
}

// Item is one string of a list, with its position.
type Item struct {
	Val   string
	Line  int
	Field string // "documents[0].select[1]", or the list's field for a single string
}

// Errors are what a Reader records. Syntax, Type, UnknownField and
// DuplicateField are sentinels it wraps with the details; EmptyFile,
// ExtraDocument and EmptyItem are recorded as they are.
type Errors struct {
	Syntax         error // a YAML syntax error
	Type           error // a node of the wrong kind
	UnknownField   error // a mapping key not among the known ones
	DuplicateField error // a mapping key given twice
	EmptyFile      error // no document, or a null one
	ExtraDocument  error // a second document
	EmptyItem      error // an empty string in a list of strings
}

// Words are how a Reader describes a node in its messages.
type Words struct {
	Scalar string // a non-null scalar: a format with one %q verb, as "the value %q"
	Other  string // a node that is not a mapping, list or scalar
	String string // what Str wants, as "a string"
}

// Reader walks the nodes of one file, recording every problem through Fail.
type Reader struct {
	Fail  func(line int, field string, err error)
	Errs  Errors
	Words Words
	// Trim makes Str trim surrounding white space from what it returns.
	Trim bool
	// Unknown, when set and returning an error for the key at field path
	// at, records that error instead of the default unknown-field one.
	Unknown func(at, key string) error
}

// Document parses data into its single top-level node. It records an
// empty file (no document, or a null one), a second document and syntax
// errors, and then returns false.
func (r *Reader) Document(data []byte) (*yaml.Node, bool) {
	doc, ok := r.DocumentNode(data)
	if !ok {
		return nil, false
	}
	return doc.Content[0], true
}

// DocumentNode is Document returning the document node itself (holding the
// top-level node and the file's head and foot comments), for a loader that
// edits the tree and writes the file back.
func (r *Reader) DocumentNode(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			r.Fail(1, "", r.Errs.EmptyFile)
		} else {
			r.syntax(err)
		}
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		r.Fail(next.Line, "", r.Errs.ExtraDocument)
		return nil, false
	case !errors.Is(err, io.EOF):
		r.syntax(err)
		return nil, false
	}
	if len(doc.Content) == 0 || IsNull(doc.Content[0]) {
		r.Fail(1, "", r.Errs.EmptyFile)
		return nil, false
	}
	return &doc, true
}

// syntax records a YAML parser error at the line the parser reported.
func (r *Reader) syntax(err error) {
	line, msg := SyntaxLine(err)
	r.Fail(line, "", fmt.Errorf("%w: %s", r.Errs.Syntax, msg))
}

// syntaxLine matches a parser message that names its line.
const syntaxLine = `^line (\d+): (.*)$`

// SyntaxLine splits a YAML parser error into the line it names (0 when it
// names none) and the rest of its message, without the "yaml: " prefix.
func SyntaxLine(err error) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if m := regexp.MustCompile(syntaxLine).FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return line, msg
}

// Fields returns the entries of mapping n by key, recording non-scalar,
// unknown and duplicate keys. ok is false when n is not a mapping.
func (r *Reader) Fields(n *yaml.Node, at string, known []string) (map[string]Entry, bool) {
	out := map[string]Entry{}
	ok := r.mapping(n, at, strings.Join(known, ", "), known, func(key string, e Entry) { out[key] = e })
	if !ok {
		return nil, false
	}
	return out, true
}

// Pairs returns the entries of a mapping whose keys are the caller's to
// check (tier ids, retention scopes…), in file order, recording non-scalar
// and duplicate keys. want describes the mapping for a wrong-type message
// ("want a mapping of <want>"). ok is false when n is not a mapping.
func (r *Reader) Pairs(n *yaml.Node, at, want string) ([]Entry, bool) {
	var out []Entry
	ok := r.mapping(n, at, want, nil, func(_ string, e Entry) { out = append(out, e) })
	return out, ok
}

// mapping calls fn for each well-formed key of mapping n in order; known
// nil accepts any key.
func (r *Reader) mapping(n *yaml.Node, at, want string, known []string, fn func(string, Entry)) bool {
	n = Resolve(n)
	if n.Kind != yaml.MappingNode {
		r.Fail(n.Line, at, fmt.Errorf("%w: want a mapping of %s, got %s", r.Errs.Type, want, r.KindOf(n)))
		return false
	}
	first := map[string]int{} // key → line of its first occurrence
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.Fail(k.Line, at, fmt.Errorf("%w: want a field name, got %s", r.Errs.Type, r.KindOf(k)))
			continue
		}
		field := Join(at, k.Value)
		if known != nil && !slices.Contains(known, k.Value) {
			err := fmt.Errorf("%w (want one of %s)", r.Errs.UnknownField, strings.Join(known, ", "))
			if r.Unknown != nil {
				if e := r.Unknown(at, k.Value); e != nil {
					err = e
				}
			}
			r.Fail(k.Line, field, err)
			continue
		}
		if line, dup := first[k.Value]; dup {
			r.Fail(k.Line, field, fmt.Errorf("%w (first given at line %d)", r.Errs.DuplicateField, line))
			continue
		}
		first[k.Value] = k.Line
		fn(k.Value, Entry{Key: k, Val: v})
	}
	return true
}

// Str reads a scalar; an absent or null value is "".
func (r *Reader) Str(e Entry, field string) string {
	if e.Val == nil {
		return ""
	}
	n := Resolve(e.Val)
	if n.Kind != yaml.ScalarNode {
		r.Fail(n.Line, field, fmt.Errorf("%w: want %s, got %s", r.Errs.Type, r.Words.String, r.KindOf(n)))
		return ""
	}
	if IsNull(n) {
		return ""
	}
	if r.Trim {
		return strings.TrimSpace(n.Value)
	}
	return n.Value
}

// Seq returns the items of a list, aliases resolved; an absent or null
// value is no items.
func (r *Reader) Seq(e Entry, field string) []*yaml.Node {
	if e.Val == nil {
		return nil
	}
	n := Resolve(e.Val)
	if IsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.Fail(n.Line, field, fmt.Errorf("%w: want a list, got %s", r.Errs.Type, r.KindOf(n)))
		return nil
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = Resolve(c)
	}
	return items
}

// StrList reads a list of strings; a single string is a list of one.
// Items that are empty or white space are recorded (Errs.EmptyItem) and
// left out.
func (r *Reader) StrList(e Entry, field string) []Item {
	if e.Val != nil && Resolve(e.Val).Kind == yaml.ScalarNode {
		if s := r.Str(e, field); s != "" {
			return []Item{{Val: s, Line: Resolve(e.Val).Line, Field: field}}
		}
		return nil
	}
	var out []Item
	for i, n := range r.Seq(e, field) {
		it := Item{Line: n.Line, Field: fmt.Sprintf("%s[%d]", field, i)}
		it.Val = r.Str(Entry{Val: n}, it.Field)
		switch {
		case strings.TrimSpace(it.Val) != "":
			out = append(out, it)
		case n.Kind == yaml.ScalarNode:
			r.Fail(n.Line, it.Field, r.Errs.EmptyItem)
		}
	}
	return out
}

// KindOf describes n for a "got …" message: "a mapping", "a list",
// "nothing" for null, else as r.Words say.
func (r *Reader) KindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if IsNull(n) {
			return "nothing"
		}
		return fmt.Sprintf(r.Words.Scalar, n.Value)
	}
	return r.Words.Other
}

// Resolve follows aliases to the node they name.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// IsNull reports whether n (aliases resolved) is absent or a null scalar.
func IsNull(n *yaml.Node) bool {
	n = Resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// LineOf is the line of a field's key, or the line of the mapping n
// holding it when the field is absent.
func LineOf(e Entry, n *yaml.Node) int {
	if e.Key != nil {
		return e.Key.Line
	}
	return n.Line
}

// Join appends key to the field path at ("documents[0]" and "id" make
// "documents[0].id"; "" and "id" make "id").
func Join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// ValidID reports whether s is lower-case letters and digits in groups
// joined by single hyphens ("api-zdr").
func ValidID(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
