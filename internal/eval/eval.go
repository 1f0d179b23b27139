// Package eval measures how well the attribute readers read meaning: it
// runs a suite of sentence cases written in our own words (testdata/, one
// file per attribute, about a fictional vendor) through the same reading
// the pipeline uses (attr.Observe, and compare.Build for derived cells) and
// scores each case tier by tier against the reading a careful lawyer would
// give. The cases are kept apart from the readers' own unit tables, so that
// the readers are judged on sentences they were not tuned to.
package eval

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/compare"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Case is one passage and the reading it must get.
type Case struct {
	ID        string               `yaml:"id"`
	Family    string               `yaml:"family"`
	Edit      string               `yaml:"edit"` // base, keeps, changes
	Register  string               `yaml:"register"`
	DocTiers  []string             `yaml:"doc_tiers"`
	Heading   string               `yaml:"heading"`
	LeadIn    string               `yaml:"lead_in"`
	Kind      string               `yaml:"kind"`
	Text      string               `yaml:"text"`
	Want      map[string]yaml.Node `yaml:"want"`
	Note      string               `yaml:"note"`
	Attribute string               `yaml:"-"` // the file's attribute
	File      string               `yaml:"-"`
}

// vendorFile is the fictional vendor's declaration.
type vendorFile struct {
	Vendor   string   `yaml:"vendor"`
	Name     string   `yaml:"name"`
	Names    []string `yaml:"names"`
	Products []string `yaml:"products"`
	Clouds   []string `yaml:"clouds"`
	Tiers    []struct {
		ID    string   `yaml:"id"`
		Label string   `yaml:"label"`
		Names []string `yaml:"names"`
	} `yaml:"tiers"`
}

// Suite is the vendor and its cases.
type Suite struct {
	Vendor terms.Vendor
	Cases  []Case
	reader *attr.Reader
}

// Load reads vendor.yaml and every <attribute>.yaml of fsys.
func Load(fsys fs.FS) (Suite, error) {
	var s Suite
	data, err := fs.ReadFile(fsys, "vendor.yaml")
	if err != nil {
		return s, err
	}
	var vf vendorFile
	if err := yaml.Unmarshal(data, &vf); err != nil {
		return s, fmt.Errorf("vendor.yaml: %w", err)
	}
	s.Vendor = terms.Vendor{ID: vf.Vendor, Name: vf.Name, Names: vf.Names, Products: vf.Products, Clouds: vf.Clouds, File: "vendor.yaml"}
	for _, t := range vf.Tiers {
		s.Vendor.Tiers = append(s.Vendor.Tiers, terms.Tier{ID: t.ID, Label: t.Label, Names: t.Names})
	}
	for _, a := range terms.Attributes {
		file := a + ".yaml"
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return s, err
		}
		var cs []Case
		if err := yaml.Unmarshal(data, &cs); err != nil {
			return s, fmt.Errorf("%s: %w", file, err)
		}
		for i := range cs {
			cs[i].Attribute, cs[i].File = a, file
			if _, err := cs[i].want(s.Vendor); err != nil {
				return s, fmt.Errorf("%s: case %s: %w", file, cs[i].ID, err)
			}
		}
		s.Cases = append(s.Cases, cs...)
	}
	s.reader = attr.NewReader(s.Vendor)
	return s, nil
}

// want is the expected value per tier.
func (c Case) want(v terms.Vendor) (map[string]terms.Value, error) {
	out := map[string]terms.Value{}
	for tier, n := range c.Want {
		if !slices.ContainsFunc(v.Tiers, func(t terms.Tier) bool { return t.ID == tier }) {
			return nil, fmt.Errorf("want: undeclared tier %q", tier)
		}
		val, err := value(c.Attribute, n)
		if err != nil {
			return nil, fmt.Errorf("want %s: %w", tier, err)
		}
		if err := terms.ValidateValue(c.Attribute, val); err != nil {
			return nil, fmt.Errorf("want %s: %w", tier, err)
		}
		out[tier] = val
	}
	return out, nil
}

func value(attribute string, n yaml.Node) (terms.Value, error) {
	switch attribute {
	case "retention":
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			return terms.Value{}, err
		}
		return terms.MapOf(m), nil
	case "security", "rights":
		var set struct {
			Confirmed []string `yaml:"confirmed"`
			Denied    []string `yaml:"denied"`
		}
		if err := n.Decode(&set); err != nil {
			return terms.Value{}, err
		}
		return terms.DenySet(set.Confirmed, set.Denied), nil
	}
	var s string
	if err := n.Decode(&s); err != nil {
		return terms.Value{}, err
	}
	return terms.Scalar(s), nil
}

// Document is the page a case stands for: the lead-in (when the case has
// one) and the passage, under the case's heading path.
func (c Case) Document() terms.Document {
	var path []string
	for _, p := range strings.Split(c.Heading, ">") {
		if p = strings.TrimSpace(p); p != "" {
			path = append(path, p)
		}
	}
	kind := c.Kind
	if kind == "" {
		kind = terms.KindParagraph
	}
	var d terms.Document
	if c.LeadIn != "" {
		d.Clauses = append(d.Clauses, terms.Clause{Path: path, Kind: terms.KindParagraph, Text: c.LeadIn})
	}
	d.Clauses = append(d.Clauses, terms.Clause{Path: path, Kind: kind, Text: c.Text})
	return d
}

// Read is what the product reads from the case's page, per tier.
func (s Suite) Read(c Case) map[string]terms.Value {
	tiers := c.DocTiers
	if len(tiers) == 0 {
		for _, t := range s.Vendor.Tiers {
			tiers = append(tiers, t.ID)
		}
	}
	src := terms.Source{ID: "eval-page", Vendor: s.Vendor.ID, Tiers: tiers}
	v := s.Vendor
	v.Sources = []terms.Source{src}
	obs := s.reader.Observe(src, c.Document(), terms.Snapshot{ID: 1, Source: src.ID})
	got := map[string]terms.Value{}
	m := compare.Build(v, obs, nil)
	for _, t := range v.Tiers {
		if val, ok := m.Value(t.ID, c.Attribute); ok && !val.Unknown {
			got[t.ID] = val
		}
	}
	return got
}

// Score counts one attribute's readings, tier by tier.
type Score struct {
	TP, FP, FN int
	Cases      int
	Passed     int               // cases read exactly right for every tier
	ByEdit     map[string][2]int // edit kind → passed, cases
}

// Precision is TP / (TP + FP), 1 when nothing was read.
func (s Score) Precision() float64 {
	if s.TP+s.FP == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FP)
}

// Recall is TP / (TP + FN), 1 when nothing was to be read.
func (s Score) Recall() float64 {
	if s.TP+s.FN == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FN)
}

// Failure is one case read wrong.
type Failure struct {
	Case      Case
	Want, Got map[string]terms.Value
}

// Run reads every case and scores it.
func (s Suite) Run() (map[string]*Score, []Failure) {
	scores := map[string]*Score{}
	var fails []Failure
	for _, c := range s.Cases {
		sc := scores[c.Attribute]
		if sc == nil {
			sc = &Score{ByEdit: map[string][2]int{}}
			scores[c.Attribute] = sc
		}
		want, _ := c.want(s.Vendor)
		got := s.Read(c)
		ok := true
		for _, t := range s.Vendor.Tiers {
			w, hasW := want[t.ID]
			g, hasG := got[t.ID]
			switch {
			case hasW && hasG && w.Equal(g):
				sc.TP++
			case hasW && hasG:
				sc.FP++
				sc.FN++
				ok = false
			case hasW:
				sc.FN++
				ok = false
			case hasG:
				sc.FP++
				ok = false
			}
		}
		sc.Cases++
		e := sc.ByEdit[c.Edit]
		e[1]++
		if ok {
			sc.Passed++
			e[0]++
		} else {
			fails = append(fails, Failure{c, want, got})
		}
		sc.ByEdit[c.Edit] = e
	}
	return scores, fails
}

// Report writes the table of scores per attribute and in all.
func Report(w io.Writer, scores map[string]*Score) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "attribute\tcases\tpassed\tprecision\trecall\tkeeps\tchanges\tbase\t")
	var all Score
	all.ByEdit = map[string][2]int{}
	names := make([]string, 0, len(scores))
	for a := range scores {
		names = append(names, a)
	}
	sort.Slice(names, func(i, j int) bool { return terms.AttributeIndex(names[i]) < terms.AttributeIndex(names[j]) })
	edit := func(s Score, k string) string {
		e := s.ByEdit[k]
		return strconv.Itoa(e[0]) + "/" + strconv.Itoa(e[1])
	}
	row := func(name string, s Score) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%s\t%s\t%s\t\n", name, s.Cases, s.Passed, s.Precision(), s.Recall(),
			edit(s, "keeps"), edit(s, "changes"), edit(s, "base"))
	}
	for _, a := range names {
		s := *scores[a]
		row(a, s)
		all.TP, all.FP, all.FN, all.Cases, all.Passed = all.TP+s.TP, all.FP+s.FP, all.FN+s.FN, all.Cases+s.Cases, all.Passed+s.Passed
		for k, v := range s.ByEdit {
			e := all.ByEdit[k]
			all.ByEdit[k] = [2]int{e[0] + v[0], e[1] + v[1]}
		}
	}
	row("all", all)
	tw.Flush()
}

// Describe renders a failure for a person.
func (f Failure) Describe() string {
	show := func(m map[string]terms.Value) string {
		if len(m) == 0 {
			return "nothing"
		}
		var parts []string
		for t, v := range m {
			parts = append(parts, t+"="+v.String())
		}
		sort.Strings(parts)
		return strings.Join(parts, "; ")
	}
	where := path.Join(f.Case.File, f.Case.ID)
	return fmt.Sprintf("%s (%s, %s): want %s, got %s\n    %q", where, f.Case.Edit, f.Case.Note, show(f.Want), show(f.Got), f.Case.Text)
}
