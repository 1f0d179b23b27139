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
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/terms"
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
// values, missing notes and two files for one vendor are errors. Every
// problem of every file is reported (joined), each as
// "baselines/x.yaml:LINE: tier T, attribute A: …". A missing dir or one
// without YAML files yields no baselines and no error. Load does not check
// tiers against the vendor's declarations: see Validate.
func Load(fsys fs.FS, dir string) ([]Baseline, error) {
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
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("read baseline %s: %w", name, err))
			continue
		}
		b, _, err := parse(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := byName[b.Vendor]; dup {
			errs = append(errs, fmt.Errorf("%s: vendor %q already has a baseline in %s", name, b.Vendor, prev))
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
// All problems are reported (joined), each naming b.File, the line when
// known, and the tier/attribute. Cells missing from b are not an error.
func Validate(b Baseline, v terms.Vendor) error {
	var errs []error
	if b.Vendor != v.ID {
		errs = append(errs, fmt.Errorf("%s: vendor %q does not match the declaration of %q (%s)", b.File, b.Vendor, v.ID, v.File))
	}
	declared := make([]string, len(v.Tiers))
	for i, t := range v.Tiers {
		declared[i] = t.ID
	}
	for _, tier := range sortedTiers(b) {
		attrs := b.Tiers[tier]
		if !slices.Contains(declared, tier) {
			errs = append(errs, fmt.Errorf("%s: tier %q is not a tier of vendor %s (declared: %s)",
				where(b.File, firstLine(attrs)), tier, v.ID, strings.Join(declared, ", ")))
			continue
		}
		for _, a := range sortedAttributes(attrs) {
			e := attrs[a]
			if err := checkValue(a, e.Value); err != nil {
				errs = append(errs, fmt.Errorf("%s: tier %s, attribute %s: %w", where(b.File, e.Line), tier, a, err))
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

// where formats file:line, or file alone when the line is unknown.
func where(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
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

// parse decodes one baseline file. It returns the baseline and the YAML
// document node (for Adopt), or every problem found, joined.
func parse(file string, data []byte) (Baseline, *yaml.Node, error) {
	b := Baseline{File: file, Tiers: map[string]map[string]Entry{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return b, nil, fmt.Errorf("%s: empty baseline file", file)
		}
		return b, nil, fmt.Errorf("%s: %w", file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return b, nil, fmt.Errorf("%s:%d: more than one YAML document", file, extra.Line)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return b, nil, fmt.Errorf("%s:%d: want a mapping with vendor, analysis and tiers", file, root.Line)
	}
	p := &parser{file: file}
	var tiersNode *yaml.Node
	p.fields(root, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "vendor":
			b.Vendor = p.scalar(v, "vendor")
		case "analysis":
			b.Analysis = p.scalar(v, "analysis")
		case "tiers":
			tiersNode = v
		default:
			p.errorf(k, "unknown field %q (want vendor, analysis, tiers)", key)
		}
	})
	switch {
	case b.Vendor == "":
		p.errorf(root, "missing vendor")
	case !isID(b.Vendor):
		p.errorf(root, "vendor %q is not a lower-case hyphenated id", b.Vendor)
	}
	if tiersNode == nil {
		p.errorf(root, "missing tiers")
	} else if tiersNode.Kind != yaml.MappingNode {
		p.errorf(tiersNode, "tiers: want a mapping tier -> attributes")
	} else {
		p.fields(tiersNode, "tiers", func(tier string, k, v *yaml.Node) {
			if !isID(tier) {
				p.errorf(k, "tier %q is not a lower-case hyphenated id", tier)
				return
			}
			if v.Kind != yaml.MappingNode {
				p.errorf(v, "tier %s: want a mapping attribute -> {value, note}", tier)
				return
			}
			cells := map[string]Entry{}
			p.fields(v, "tier "+tier, func(attr string, k, v *yaml.Node) {
				ctx := fmt.Sprintf("tier %s, attribute %s", tier, attr)
				if !terms.IsAttribute(attr) {
					p.errorf(k, "tier %s: unknown attribute %q (want one of %s)", tier, attr, strings.Join(terms.Attributes, ", "))
					return
				}
				if e, ok := p.entry(v, ctx, attr); ok {
					cells[attr] = e
				}
			})
			b.Tiers[tier] = cells
		})
	}
	if err := errors.Join(p.errs...); err != nil {
		return Baseline{}, nil, err
	}
	return b, &doc, nil
}

// parser collects problems with their file:line.
type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...)))
}

// fields calls fn for each key of mapping m in order, reporting duplicate
// and non-scalar keys.
func (p *parser) fields(m *yaml.Node, ctx string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	prefix := ""
	if ctx != "" {
		prefix = ctx + ": "
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%swant a plain key", prefix)
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, "%skey %q already defined at line %d", prefix, k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		if v.Kind == yaml.AliasNode {
			p.errorf(v, "%s%s: anchors and aliases are not supported", prefix, k.Value)
			continue
		}
		fn(k.Value, k, v)
	}
}

func (p *parser) scalar(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s: want a string", field)
		return ""
	}
	return n.Value
}

// entry decodes {value: …, note: "…"}.
func (p *parser) entry(n *yaml.Node, ctx, attr string) (Entry, bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want {value: …, note: \"…\"}", ctx)
		return Entry{}, false
	}
	e := Entry{Line: n.Line}
	var valueNode *yaml.Node
	before := len(p.errs)
	p.fields(n, ctx, func(key string, k, v *yaml.Node) {
		switch key {
		case "value":
			valueNode = v
		case "note":
			e.Note = strings.TrimSpace(p.scalar(v, ctx+": note"))
		default:
			p.errorf(k, "%s: unknown field %q (want value, note)", ctx, key)
		}
	})
	if valueNode == nil {
		p.errorf(n, "%s: missing value", ctx)
	} else if v, ok := p.value(valueNode, ctx); ok {
		if err := checkValue(attr, v); err != nil {
			p.errorf(valueNode, "%s: %v", ctx, err)
		}
		e.Value = v
	}
	if e.Note == "" {
		p.errorf(n, "%s: missing note (say where the analysis states the value)", ctx)
	}
	return e, len(p.errs) == before
}

// value decodes a scalar, a map scope -> period or a list into a Value.
func (p *parser) value(n *yaml.Node, ctx string) (terms.Value, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
			p.errorf(n, "%s: empty value", ctx)
			return terms.Value{}, false
		}
		if n.Value == "unknown" {
			return terms.UnknownValue("documented as unknown"), true
		}
		return terms.Scalar(n.Value), true
	case yaml.MappingNode:
		m := map[string]string{}
		ok := true
		p.fields(n, ctx, func(scope string, _, v *yaml.Node) {
			if v.Kind != yaml.ScalarNode {
				p.errorf(v, "%s: retention scope %s: want a period", ctx, scope)
				ok = false
				return
			}
			m[scope] = v.Value
		})
		return terms.MapOf(m), ok
	case yaml.SequenceNode:
		items := make([]string, 0, len(n.Content))
		for _, it := range n.Content {
			if it.Kind != yaml.ScalarNode {
				p.errorf(it, "%s: want a list of words", ctx)
				return terms.Value{}, false
			}
			if slices.Contains(items, it.Value) {
				p.errorf(it, "%s: duplicate item %q", ctx, it.Value)
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
	p.errorf(n, "%s: want a word, a map or a list", ctx)
	return terms.Value{}, false
}

// isID reports whether s is a lower-case hyphenated id ("azure-foundry").
func isID(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
