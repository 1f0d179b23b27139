package baseline

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/inputfile"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Cells returns the cells of m to adopt, as observations with the
// evidence that decided them: every observed cell whose value is known,
// limited to tiers and attributes when given. A derived cell
// (sensitive-data) cites the guide's rule as its evidence.
func Cells(m compare.Matrix, tiers, attributes []string) []terms.Observation {
	var out []terms.Observation
	for _, c := range m.Cells {
		if c.Observed == nil || c.Observed.Unknown ||
			(len(tiers) > 0 && !slices.Contains(tiers, c.Tier)) ||
			(len(attributes) > 0 && !slices.Contains(attributes, c.Attribute)) {
			continue
		}
		o := terms.Observation{Vendor: c.Vendor, Tier: c.Tier, Attribute: c.Attribute, Value: *c.Observed}
		switch {
		case c.Evidence != nil:
			o.Evidence = *c.Evidence
		case c.Attribute == "sensitive-data":
			o.Evidence = terms.Evidence{Source: "the tier's other values", Clause: "the guide's rule for sensitive data"}
		}
		out = append(out, o)
	}
	return out
}

// Adopt writes the values of obs into the baseline file at path (an OS
// path) for review: each observation's tier × attribute cell gets its value
// and the note "adopted from <source> <clause> on <YYYY-MM-DD>: review"
// (the clause quoted, omitted when empty; the date is now in UTC). Every
// other cell, its note, the key order and comments are kept as they were;
// an adopted attribute missing from a tier is inserted in
// terms.Attributes order, a missing tier is appended. When path does not
// exist a new baseline file for vendor is created.
//
// Observations with an unknown value are skipped: an unreadable clause is
// not a claim to document. Adopt fails, leaving the file untouched, when
// the file does not parse (see Load), names another vendor, an observation
// belongs to another vendor, has an unknown attribute or a value outside
// the vocabulary, or two observations give different values for one cell
// (merge them first). The file is replaced atomically.
func Adopt(path string, vendor string, obs []terms.Observation, now time.Time) error {
	data, err := inputfile.Read(os.DirFS(filepath.Dir(path)), filepath.Base(path), inputfile.MaxDeclaration)
	exists := err == nil
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = []byte("vendor: " + vendor + "\ntiers: {}\n")
	case err != nil:
		return fmt.Errorf("adopt into baseline %s: %w", path, err)
	}
	b, doc, err := parse(path, data)
	if err != nil {
		return fmt.Errorf("adopt into baseline: %w", err)
	}
	if b.Vendor != vendor {
		return fmt.Errorf("adopt into baseline %s: file is for vendor %q, not %q", path, b.Vendor, vendor)
	}
	cells, err := adoptable(path, vendor, obs)
	if err != nil {
		return err
	}
	if len(cells) == 0 {
		return nil
	}
	root := doc.Content[0]
	tiers := mapValue(root, "tiers")
	tiers.Style &^= yaml.FlowStyle // "tiers: {}" of a new file: write a block mapping
	date := now.UTC().Format(time.DateOnly)
	for _, o := range cells {
		note := "adopted from " + o.Evidence.Source
		if o.Evidence.Clause != "" {
			note += " " + strconv.Quote(o.Evidence.Clause)
		}
		note += " on " + date + ": review"
		setCell(tiers, o.Tier, o.Attribute, entryNode(o.Value, note))
	}

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("adopt into baseline %s: encode: %w", path, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("adopt into baseline %s: encode: %w", path, err)
	}
	if _, _, err := parse(path, buf.Bytes()); err != nil {
		return fmt.Errorf("adopt into baseline %s: result does not read back: %w", path, err)
	}
	mode := fs.FileMode(0o644)
	if exists {
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
	}
	return writeAtomic(path, buf.Bytes(), mode)
}

// adoptable checks obs and returns one observation per cell, in file
// order (tier as first seen, attributes in terms.Attributes order).
func adoptable(path, vendor string, obs []terms.Observation) ([]terms.Observation, error) {
	var (
		out  []terms.Observation
		errs []error
	)
	for _, o := range obs {
		ctx := fmt.Sprintf("adopt into baseline %s: tier %s, attribute %s (source %s)", path, o.Tier, o.Attribute, o.Evidence.Source)
		if o.Value.Unknown {
			continue
		}
		if o.Vendor != "" && o.Vendor != vendor {
			errs = append(errs, fmt.Errorf("%s: observation of vendor %q", ctx, o.Vendor))
			continue
		}
		if !isID(o.Tier) {
			errs = append(errs, fmt.Errorf("%s: tier %q is not a lower-case hyphenated id", ctx, o.Tier))
			continue
		}
		if err := checkValue(o.Attribute, o.Value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ctx, err))
			continue
		}
		i := slices.IndexFunc(out, func(p terms.Observation) bool { return p.Tier == o.Tier && p.Attribute == o.Attribute })
		if i < 0 {
			out = append(out, o)
			continue
		}
		if !out[i].Value.Equal(o.Value) {
			errs = append(errs, fmt.Errorf("%s: %s conflicts with %s from source %s", ctx, o.Value, out[i].Value, out[i].Evidence.Source))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// mapValue returns the value node of key in mapping m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setCell replaces or inserts tiers[tier][attribute] = entry.
func setCell(tiers *yaml.Node, tier, attribute string, entry *yaml.Node) {
	attrs := mapValue(tiers, tier)
	if attrs == nil {
		attrs = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		tiers.Content = append(tiers.Content, strNode(tier), attrs)
	}
	for i := 0; i+1 < len(attrs.Content); i += 2 {
		if attrs.Content[i].Value == attribute {
			old := attrs.Content[i+1]
			entry.LineComment, entry.HeadComment, entry.FootComment = old.LineComment, old.HeadComment, old.FootComment
			attrs.Content[i+1] = entry
			return
		}
	}
	at := len(attrs.Content)
	for i := 0; i+1 < len(attrs.Content); i += 2 {
		if terms.AttributeIndex(attrs.Content[i].Value) > terms.AttributeIndex(attribute) {
			at = i
			break
		}
	}
	attrs.Content = slices.Insert(attrs.Content, at, strNode(attribute), entry)
}

// entryNode renders {value: …, note: "…"} in the style of the shipped files.
func entryNode(v terms.Value, note string) *yaml.Node {
	var val *yaml.Node
	switch {
	case v.Map != nil:
		val = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
		scopes := terms.Vocabulary("retention")
		keys := make([]string, 0, len(v.Map))
		for k := range v.Map {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			ia, ib := slices.Index(scopes, a), slices.Index(scopes, b)
			if ia != ib {
				return ia - ib
			}
			return strings.Compare(a, b)
		})
		for _, k := range keys {
			p := strNode(v.Map[k])
			if _, err := strconv.Atoi(v.Map[k]); err == nil {
				p.Tag = "!!int" // days are numbers, as in the JSON outputs
			}
			val.Content = append(val.Content, strNode(k), p)
		}
	case v.Set != nil:
		val = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, it := range v.Set {
			val.Content = append(val.Content, strNode(it))
		}
	default:
		val = strNode(v.Scalar)
	}
	n := strNode(note)
	n.Style = yaml.DoubleQuotedStyle
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle,
		Content: []*yaml.Node{strNode("value"), val, strNode("note"), n}}
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// writeAtomic writes data to a temporary file beside path and renames it
// over path, so a failed write leaves the old file intact.
func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	return nil
}
