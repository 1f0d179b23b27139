// Package baseline reads, validates and writes the documented baselines of
// sources/baselines/*.yaml: for each vendor, the value the published
// analysis claims for every tier × attribute, with a note saying where the
// analysis says it. The check compares what it observes on the vendors'
// pages against these values (baseline-drift events).
//
// A baseline file looks like:
//
//	vendor: anthropic
//	analysis: "Claude: Privacy, Training & Output Ownership (updated 2026-02-12)"
//	tiers:
//	  consumer:
//	    training: {value: opt-out, note: "Consumer section, Training paragraph"}
//	    retention: {value: {default: "30", training-opt-in: "1825"}, note: "…"}
//	    security: {value: [tls1.2+, aes-256], note: "…"}
//
// Values use DESIGN.md's vocabulary (see terms.ValidateValue); "unspecified"
// records that the analysis says nothing, and "unknown" is not allowed.
package baseline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/inputfile"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/yamlx"
)

// Error is one problem of a baseline file. Its message reads
// "FILE:LINE: FIELD: problem", e.g.
// `sources/baselines/acme.yaml:14: tiers.free.training.value: bad value "sometimes" (…)`;
// FIELD is the path of keys to the problem ("tiers.free.training"), empty
// for whole-file problems, and Line is 0 and left out when unknown.
type Error = yamlx.Error

// Sentinel errors classifying the problems of a baseline file for
// errors.Is. Problems with a value wrap terms.ErrBadValue or
// terms.ErrUnknownAttribute instead.
var (
	ErrRead             = errors.New("cannot read baseline file")
	ErrSyntax           = errors.New("YAML syntax error")
	ErrEmptyFile        = errors.New("empty baseline file")
	ErrType             = errors.New("wrong type")
	ErrUnknownField     = errors.New("unknown field")
	ErrDuplicateField   = errors.New("duplicate field")
	ErrMissing          = errors.New("missing")
	ErrEmpty            = errors.New("empty value")
	ErrInvalidID        = errors.New("invalid id")
	ErrUnknownAttribute = errors.New("unknown attribute")
	ErrAlias            = errors.New("anchors and aliases are not supported")
	ErrDuplicateVendor  = errors.New("vendor already has a baseline")
	ErrUnknownTier      = errors.New("undeclared tier")
	ErrOtherVendor      = errors.New("vendor does not match the declaration")
)

// Entry is one documented cell: the value the analysis claims, the note
// saying where, and the line of the cell in its file (0 when not read from
// a file).
type Entry struct {
	Value terms.Value
	Note  string
	Line  int
}

// Baseline is the documented baseline of one vendor, read from one file.
type Baseline struct {
	Vendor   string                      // vendor id, as in the declarations ("anthropic")
	Analysis string                      // title of the analysis the values come from
	File     string                      // file it was read from, for messages ("baselines/anthropic.yaml")
	Tiers    map[string]map[string]Entry // tier -> attribute -> entry
}

// Value returns the documented value of tier × attribute and whether the
// baseline has that cell at all.
func (b Baseline) Value(tier, attribute string) (terms.Value, bool) {
	e, ok := b.Tiers[tier][attribute]
	return e.Value, ok
}

// Values returns the documented values as tier -> attribute -> value, the
// shape compare.Input.Baseline takes. It returns nil for an empty baseline.
func (b Baseline) Values() map[string]map[string]terms.Value {
	if len(b.Tiers) == 0 {
		return nil
	}
	out := make(map[string]map[string]terms.Value, len(b.Tiers))
	for tier, attrs := range b.Tiers {
		out[tier] = make(map[string]terms.Value, len(attrs))
		for a, e := range attrs {
			out[tier][a] = e.Value
		}
	}
	return out
}

// Load reads every dir/*.yaml of fsys (dir is "baselines" inside the
// sources directory) in name order and returns one Baseline per file.
// Decoding is strict: unknown fields, duplicate keys, unknown attributes,
// malformed tier ids, values outside DESIGN.md's vocabulary, "unknown"
// values, missing notes, anchors and aliases, and two files for one vendor
// are errors. Every problem of every file is reported (joined), each an
// *Error such as "baselines/x.yaml:LINE: tiers.T.A.value: …". A missing dir or one
// without YAML files yields no baselines and no error. Load does not check
// tiers against the vendor's declarations: see Validate.
func Load(fsys fs.FS, dir string) ([]Baseline, error) {
	return LoadContext(context.Background(), fsys, dir)
}

// LoadContext is Load, stopping with ctx's error when ctx is done (looked
// at before each file).
func LoadContext(ctx context.Context, fsys fs.FS, dir string) ([]Baseline, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("list baselines in %s: %w", dir, err)
	}
	slices.Sort(names)
	var (
		out    []Baseline
		errs   []error
		byName = map[string]string{} // vendor -> file
	)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := inputfile.Read(fsys, name, inputfile.MaxDeclaration) // regular files only, bounded
		if err != nil {
			errs = append(errs, &Error{File: name, Err: fmt.Errorf("%w: %w", ErrRead, err)})
			continue
		}
		b, doc, err := parse(name, data)
		if err != nil {
			var joined interface{ Unwrap() []error }
			if errors.As(err, &joined) {
				errs = append(errs, joined.Unwrap()...) // one flat list of *Error
			} else {
				errs = append(errs, err)
			}
			continue
		}
		if prev, dup := byName[b.Vendor]; dup {
			errs = append(errs, &Error{File: name, Line: vendorLine(doc), Field: "vendor",
				Err: fmt.Errorf("%w: %q already has one in %s", ErrDuplicateVendor, b.Vendor, prev)})
			continue
		}
		byName[b.Vendor] = name
		out = append(out, b)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Validate checks b against its vendor's declaration v: the vendor ids
// must match, every tier must be one of v.Tiers, every attribute one of
// terms.Attributes, and every value valid for its attribute (not unknown).
// All problems are reported (joined), each an *Error naming b.File, the
// line when known, and the field (vendor, tiers.T, tiers.T.A). Cells
// missing from b are not an error.
func Validate(b Baseline, v terms.Vendor) error {
	var errs []error
	fail := func(line int, field string, err error) {
		errs = append(errs, &Error{File: b.File, Line: line, Field: field, Err: err})
	}
	if b.Vendor != v.ID {
		fail(0, "vendor", fmt.Errorf("%w: %q does not match the declaration of %q (%s)", ErrOtherVendor, b.Vendor, v.ID, v.File))
	}
	declared := make([]string, len(v.Tiers))
	for i, t := range v.Tiers {
		declared[i] = t.ID
	}
	for _, tier := range sortedTiers(b) {
		attrs := b.Tiers[tier]
		at := yamlx.Join("tiers", tier)
		if !slices.Contains(declared, tier) {
			fail(firstLine(attrs), at, fmt.Errorf("%w: tier %q is not a tier of vendor %s (declared: %s)",
				ErrUnknownTier, tier, v.ID, strings.Join(declared, ", ")))
			continue
		}
		for _, a := range sortedAttributes(attrs) {
			e := attrs[a]
			if err := checkValue(a, e.Value); err != nil {
				fail(e.Line, yamlx.Join(at, a), err)
			}
		}
	}
	return errors.Join(errs...)
}

// checkValue validates a documented value: the attribute must exist and
// the value must be known and in the vocabulary.
func checkValue(attribute string, v terms.Value) error {
	if v.Unknown {
		return errors.New(`"unknown" is not a documented value (use unspecified when the analysis says nothing)`)
	}
	return terms.ValidateValue(attribute, v)
}

func firstLine(attrs map[string]Entry) int {
	line := 0
	for _, e := range attrs {
		if e.Line > 0 && (line == 0 || e.Line < line) {
			line = e.Line
		}
	}
	return line
}

// sortedTiers orders the tiers of b by their line in the file, then by id.
func sortedTiers(b Baseline) []string {
	tiers := make([]string, 0, len(b.Tiers))
	for t := range b.Tiers {
		tiers = append(tiers, t)
	}
	slices.SortFunc(tiers, func(x, y string) int {
		if lx, ly := firstLine(b.Tiers[x]), firstLine(b.Tiers[y]); lx != ly {
			return lx - ly
		}
		return strings.Compare(x, y)
	})
	return tiers
}

// sortedAttributes orders attribute names as terms.Attributes, unknown last.
func sortedAttributes(attrs map[string]Entry) []string {
	names := make([]string, 0, len(attrs))
	for a := range attrs {
		names = append(names, a)
	}
	slices.SortFunc(names, func(x, y string) int {
		if ix, iy := terms.AttributeIndex(x), terms.AttributeIndex(y); ix != iy {
			return ix - iy
		}
		return strings.Compare(x, y)
	})
	return names
}

// Field names of the mappings of a baseline file.
var (
	fileFields  = []string{"vendor", "analysis", "tiers"}
	entryFields = []string{"value", "note"}
)

// parse decodes one baseline file. It returns the baseline and the YAML
// document node (for Adopt), or every problem found, each an *Error, in
// line order, joined.
func parse(file string, data []byte) (Baseline, *yaml.Node, error) {
	p := &parser{file: file}
	p.Reader = yamlx.Reader{
		Fail: p.fail,
		Errs: yamlx.Errors{Syntax: ErrSyntax, Type: ErrType, UnknownField: ErrUnknownField,
			DuplicateField: ErrDuplicateField, EmptyFile: ErrEmptyFile,
			ExtraDocument: fmt.Errorf("%w: more than one YAML document", ErrSyntax)},
		Words: yamlx.Words{Scalar: "the value %q", Other: "another kind of node", String: "a string"},
		Trim:  true,
	}
	doc, ok := p.DocumentNode(data)
	if !ok {
		return Baseline{}, nil, p.err()
	}
	root := doc.Content[0]
	if p.aliases(root, ""); len(p.errs) > 0 {
		return Baseline{}, nil, p.err()
	}
	b := p.baseline(root)
	if err := p.err(); err != nil {
		return Baseline{}, nil, err
	}
	return b, doc, nil
}

// parser walks one baseline file, collecting every problem.
type parser struct {
	yamlx.Reader
	file string
	errs []error
}

func (p *parser) fail(line int, field string, err error) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Field: field, Err: err})
}

// err joins the problems in line order (nil when there are none).
func (p *parser) err() error {
	slices.SortStableFunc(p.errs, func(x, y error) int { return x.(*Error).Line - y.(*Error).Line })
	return errors.Join(p.errs...)
}

// aliases records every alias under n: Adopt edits the node tree in place,
// and an edited alias would silently change every cell sharing its anchor.
func (p *parser) aliases(n *yaml.Node, at string) {
	switch n.Kind {
	case yaml.AliasNode:
		p.fail(n.Line, at, ErrAlias)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode {
				p.fail(k.Line, at, ErrAlias)
				continue
			}
			p.aliases(n.Content[i+1], yamlx.Join(at, k.Value))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p.aliases(c, fmt.Sprintf("%s[%d]", at, i))
		}
	}
}

// baseline reads the top-level mapping.
func (p *parser) baseline(root *yaml.Node) Baseline {
	b := Baseline{File: p.file, Tiers: map[string]map[string]Entry{}}
	if root.Kind != yaml.MappingNode {
		p.fail(root.Line, "", fmt.Errorf("%w: want a mapping with vendor, analysis and tiers, got %s", ErrType, p.KindOf(root)))
		return b
	}
	f, _ := p.Fields(root, "", fileFields)
	b.Vendor = p.Str(f["vendor"], "vendor")
	switch v := f["vendor"].Val; {
	case b.Vendor == "" && (v == nil || yamlx.Resolve(v).Kind == yaml.ScalarNode):
		p.fail(yamlx.LineOf(f["vendor"], root), "", fmt.Errorf("%w vendor", ErrMissing))
	case b.Vendor != "" && !isID(b.Vendor):
		p.fail(yamlx.LineOf(f["vendor"], root), "vendor",
			fmt.Errorf("%w: vendor %q is not a lower-case hyphenated id", ErrInvalidID, b.Vendor))
	}
	b.Analysis = p.Str(f["analysis"], "analysis")

	t := f["tiers"]
	if t.Val == nil {
		p.fail(root.Line, "", fmt.Errorf("%w tiers", ErrMissing))
		return b
	}
	tiers, _ := p.Pairs(t.Val, "tiers", "tier ids to their attributes")
	for _, e := range tiers {
		tier, at := e.Key.Value, yamlx.Join("tiers", e.Key.Value)
		if !isID(tier) {
			p.fail(e.Key.Line, at, fmt.Errorf("%w: tier %q is not a lower-case hyphenated id", ErrInvalidID, tier))
			continue
		}
		attrs, ok := p.Pairs(e.Val, at, "attributes to {value, note}")
		if !ok {
			continue
		}
		cells := map[string]Entry{}
		for _, a := range attrs {
			attr, at := a.Key.Value, yamlx.Join(at, a.Key.Value)
			if !terms.IsAttribute(attr) {
				p.fail(a.Key.Line, at, fmt.Errorf("%w %q (want one of %s)", ErrUnknownAttribute, attr, strings.Join(terms.Attributes, ", ")))
				continue
			}
			if c, ok := p.entry(a.Val, at, attr); ok {
				cells[attr] = c
			}
		}
		b.Tiers[tier] = cells
	}
	return b
}

// entry reads one cell, {value: …, note: "…"}, at field path at.
func (p *parser) entry(n *yaml.Node, at, attr string) (Entry, bool) {
	if n.Kind != yaml.MappingNode {
		p.fail(n.Line, at, fmt.Errorf("%w: want {value: …, note: \"…\"}, got %s", ErrType, p.KindOf(n)))
		return Entry{}, false
	}
	before := len(p.errs)
	f, _ := p.Fields(n, at, entryFields)
	e := Entry{Line: n.Line}
	if val := f["value"].Val; val == nil {
		p.fail(n.Line, at, fmt.Errorf("%w value", ErrMissing))
	} else if v, ok := p.value(val, yamlx.Join(at, "value")); ok {
		if err := checkValue(attr, v); err != nil {
			p.fail(val.Line, yamlx.Join(at, "value"), err)
		}
		e.Value = v
	}
	if e.Note = p.Str(f["note"], yamlx.Join(at, "note")); e.Note == "" {
		p.fail(yamlx.LineOf(f["note"], n), at, fmt.Errorf("%w note (say where the analysis states the value)", ErrMissing))
	}
	return e, len(p.errs) == before
}

// value reads a word, a map scope -> period or a list into a Value.
func (p *parser) value(n *yaml.Node, at string) (terms.Value, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if yamlx.IsNull(n) || strings.TrimSpace(n.Value) == "" {
			p.fail(n.Line, at, ErrEmpty)
			return terms.Value{}, false
		}
		if n.Value == "unknown" {
			return terms.UnknownValue("documented as unknown"), true
		}
		return terms.Scalar(n.Value), true
	case yaml.MappingNode:
		scopes, _ := p.Pairs(n, at, "retention scopes to periods")
		m := map[string]string{}
		ok := true
		for _, e := range scopes {
			if e.Val.Kind != yaml.ScalarNode {
				p.fail(e.Val.Line, yamlx.Join(at, e.Key.Value), fmt.Errorf("%w: want a period, got %s", ErrType, p.KindOf(e.Val)))
				ok = false
				continue
			}
			m[e.Key.Value] = e.Val.Value
		}
		return terms.MapOf(m), ok
	case yaml.SequenceNode:
		items := make([]string, 0, len(n.Content))
		for i, it := range n.Content {
			field := fmt.Sprintf("%s[%d]", at, i)
			if it.Kind != yaml.ScalarNode {
				p.fail(it.Line, field, fmt.Errorf("%w: want a list of words, got %s", ErrType, p.KindOf(it)))
				return terms.Value{}, false
			}
			if slices.Contains(items, it.Value) {
				p.fail(it.Line, field, fmt.Errorf("%w: duplicate item %q", terms.ErrBadValue, it.Value))
				return terms.Value{}, false
			}
			items = append(items, it.Value)
		}
		v := terms.SetOf(items...)
		if v.Set == nil {
			v.Set = []string{} // an empty set is a value: none of the items
		}
		return v, true
	}
	p.fail(n.Line, at, fmt.Errorf("%w: want a word, a map or a list, got %s", ErrType, p.KindOf(n)))
	return terms.Value{}, false
}

// vendorLine is the line of the vendor key of a parsed document.
func vendorLine(doc *yaml.Node) int {
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "vendor" {
			return root.Content[i].Line
		}
	}
	return root.Line
}

// isID reports whether s is a lower-case hyphenated id ("azure-foundry"),
// by the rule every loader shares.
func isID(s string) bool { return yamlx.ValidID(s) }
