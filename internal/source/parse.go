package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Field names of each mapping of a declaration file, in documentation order.
var (
	vendorFields   = []string{"vendor", "name", "tiers", "documents", "attributes"}
	tierFields     = []string{"id", "label"}
	documentFields = []string{"id", "title", "url", "select", "remove", "tiers", "headers", "render", "variants"}
	variantFields  = []string{"id", "match"}
	ruleFields     = []string{"source", "tiers", "attribute", "clause", "match"}
)

// parsed is one declaration file read into a vendor, with the positions the
// cross-file checks need.
type parsed struct {
	vendor     terms.Vendor
	vendorLine int      // line of the vendor field
	idLines    []int    // line of vendor.Sources[i]'s id
	idFields   []string // field path of vendor.Sources[i]'s id ("documents[3].id")
}

// fileParser walks one file's YAML node tree, collecting every problem.
type fileParser struct {
	file string
	errs []error

	tiers          map[string]int      // declared tier id → line
	badTiers       map[string]bool     // tier ids already reported as malformed
	tiersBroken    bool                // the tiers list itself is malformed
	sources        map[string][]string // declared source id → its tiers
	sourceTiersBad map[string]bool     // source ids whose tier list had reported problems
	badSources     map[string]bool     // source ids already reported as malformed
}

// entry is one key: value pair of a YAML mapping.
type entry struct {
	key, val *yaml.Node
}

func (p *fileParser) fail(line int, field string, err error) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Field: field, Err: err})
}

// parseFile reads one declaration file. It returns the vendor (nil when the
// file could not be read as YAML at all) and every problem found, in line
// order. References between parts of the file (tiers, sources) are checked
// here; duplicates across files are checked by the caller.
func parseFile(file string, data []byte) (*parsed, []error) {
	p := &fileParser{file: file, tiers: map[string]int{}, badTiers: map[string]bool{},
		sources: map[string][]string{}, badSources: map[string]bool{}, sourceTiersBad: map[string]bool{}}
	root, ok := p.document(data)
	if !ok {
		return nil, p.errs
	}
	out := p.vendor(root)
	sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].(*Error).Line < p.errs[j].(*Error).Line })
	return out, p.errs
}

// document parses data into its single top-level YAML node.
func (p *fileParser) document(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.fail(1, "", ErrEmptyFile)
		} else {
			p.syntax(err)
		}
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		p.fail(next.Line, "", fmt.Errorf("%w: more than one YAML document (a second \"---\")", ErrSyntax))
		return nil, false
	case !errors.Is(err, io.EOF):
		p.syntax(err)
		return nil, false
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		p.fail(1, "", ErrEmptyFile)
		return nil, false
	}
	return doc.Content[0], true
}

// syntax records a YAML parser error at the line the parser reported.
func (p *fileParser) syntax(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := regexp.MustCompile(`^line (\d+): (.*)$`).FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	p.fail(line, "", fmt.Errorf("%w: %s", ErrSyntax, msg))
}

func (p *fileParser) vendor(root *yaml.Node) *parsed {
	out := &parsed{}
	v := &out.vendor
	v.File = p.file
	f, ok := p.fields(root, "", vendorFields)
	if !ok {
		return out
	}
	v.ID, out.vendorLine, _ = p.id(f, root, "", "vendor")
	v.Name = p.str(f["name"], "name")
	if v.Name == "" {
		v.Name = v.ID
	}

	if t := f["tiers"]; t.val != nil && !isNull(t.val) && resolve(t.val).Kind != yaml.SequenceNode {
		p.tiersBroken = true // reported by seq; references to tiers would only repeat it
	}
	for i, n := range p.seq(f["tiers"], "tiers") {
		at := fmt.Sprintf("tiers[%d]", i)
		tf, ok := p.fields(n, at, tierFields)
		if !ok {
			p.tiersBroken = true
			continue
		}
		id, line, ok := p.id(tf, n, at, "id")
		if !ok {
			p.badTiers[id] = true
			continue
		}
		t := terms.Tier{ID: id, Label: p.str(tf["label"], at+".label")}
		if t.Label == "" {
			t.Label = t.ID
		}
		if first, dup := p.tiers[t.ID]; dup {
			p.fail(line, at+".id", fmt.Errorf("%w %q (first declared at line %d)", ErrDuplicateTier, t.ID, first))
			continue
		}
		p.tiers[t.ID] = line
		v.Tiers = append(v.Tiers, t)
	}

	docs := p.seq(f["documents"], "documents")
	if d := f["documents"]; len(docs) == 0 && (d.val == nil || isNull(d.val) || resolve(d.val).Kind == yaml.SequenceNode) {
		p.fail(lineOf(d, root), "documents", fmt.Errorf("%w: declare at least one document", ErrMissing))
	}
	sourceLine := map[string]int{}
	for i, n := range docs {
		at := fmt.Sprintf("documents[%d]", i)
		s, idLine, ok := p.document1(n, at, v.ID)
		if !ok {
			p.badSources[s.ID] = true
			continue
		}
		if first, dup := sourceLine[s.ID]; dup {
			p.fail(idLine, at+".id", fmt.Errorf("%w %q (first declared at %s:%d)", ErrDuplicateSource, s.ID, p.file, first))
			continue
		}
		sourceLine[s.ID] = idLine
		p.sources[s.ID] = s.Tiers
		v.Sources = append(v.Sources, s)
		out.idLines = append(out.idLines, idLine)
		out.idFields = append(out.idFields, at+".id")
	}

	for i, n := range p.seq(f["attributes"], "attributes") {
		at := fmt.Sprintf("attributes[%d]", i)
		if r, ok := p.rule(n, at); ok {
			v.Rules = append(v.Rules, r)
		}
	}
	return out
}

// document1 reads one entry of documents. ok is false when it has no valid
// id (s.ID is then the malformed id, or ""); every problem is recorded, and a
// source with problems other than its id is still returned so that rules
// naming it are not reported too.
func (p *fileParser) document1(n *yaml.Node, at, vendor string) (s terms.Source, idLine int, ok bool) {
	f, ok := p.fields(n, at, documentFields)
	if !ok {
		return s, 0, false
	}
	s = terms.Source{Vendor: vendor, File: p.file, Line: n.Line}
	s.ID, idLine, ok = p.id(f, n, at, "id")
	s.Title = p.str(f["title"], at+".title")
	if s.Title == "" {
		s.Title = s.ID
	}

	s.URL = p.str(f["url"], at+".url")
	if u := f["url"]; u.val == nil || isNull(u.val) {
		p.fail(lineOf(f["url"], n), at+".url", ErrMissing)
	} else if err := checkURL(s.URL); s.URL != "" && err != nil {
		p.fail(lineOf(f["url"], n), at+".url", err)
	}

	s.Select = p.selectors(f["select"], at+".select")
	s.Remove = p.selectors(f["remove"], at+".remove")
	var given int
	s.Tiers, given = p.tierRefs(f["tiers"], at+".tiers")
	if given > len(s.Tiers) || !isEmpty(f["tiers"].val) && given == 0 {
		p.sourceTiersBad[s.ID] = true // some were reported; rules defaulting to them must not repeat it
	}
	s.Headers = p.headers(f["headers"], at+".headers")

	s.Render = p.str(f["render"], at+".render")
	if s.Render != terms.RenderHTTP && s.Render != terms.RenderBrowser {
		p.fail(lineOf(f["render"], n), at+".render",
			fmt.Errorf("%w %q (want %q, or no render field for a plain HTTP GET)", ErrInvalidRender, s.Render, terms.RenderBrowser))
	}
	s.Variants = p.variants(f["variants"], at+".variants")
	return s, idLine, ok
}

// variants reads the regional variants of a document: a list of {id, match}
// with ids unique within the document and match a regular expression that
// compiles (case-insensitively, as it is applied). Entries with problems are
// recorded and left out.
func (p *fileParser) variants(e entry, field string) []terms.Variant {
	var out []terms.Variant
	seen := map[string]int{}
	for i, n := range p.seq(e, field) {
		at := fmt.Sprintf("%s[%d]", field, i)
		f, ok := p.fields(n, at, variantFields)
		if !ok {
			continue
		}
		id, line, ok := p.id(f, n, at, "id")
		if ok {
			if first, dup := seen[id]; dup {
				p.fail(line, at+".id", fmt.Errorf("%w %q (first declared at line %d)", ErrDuplicateVariant, id, first))
				ok = false
			} else {
				seen[id] = line
			}
		}
		match := p.str(f["match"], at+".match")
		switch m := f["match"]; {
		case m.val == nil || isNull(m.val):
			p.fail(lineOf(m, n), at+".match", fmt.Errorf("%w: a variant is recognized by its match expression", ErrMissing))
			ok = false
		case match == "" && resolve(m.val).Kind == yaml.ScalarNode:
			p.fail(lineOf(m, n), at+".match", fmt.Errorf("%w: an empty expression matches every page", ErrEmpty))
			ok = false
		case match == "":
			ok = false // wrong type, already reported
		default:
			if _, err := regexp.Compile("(?i)" + match); err != nil {
				p.fail(lineOf(m, n), at+".match", fmt.Errorf("%w %q: %w", ErrInvalidRegexp, match, err))
				ok = false
			}
		}
		if ok {
			out = append(out, terms.Variant{ID: id, Match: match})
		}
	}
	return out
}

// rule reads one entry of attributes. Omitted tiers default to the tiers of
// the rule's source.
func (p *fileParser) rule(n *yaml.Node, at string) (terms.Rule, bool) {
	f, ok := p.fields(n, at, ruleFields)
	if !ok {
		return terms.Rule{}, false
	}
	r := terms.Rule{File: p.file, Line: n.Line}
	ok = true

	r.Source = p.str(f["source"], at+".source")
	srcTiers, known := p.sources[r.Source]
	switch {
	case r.Source == "" && (f["source"].val == nil || isNull(f["source"].val)):
		p.fail(lineOf(f["source"], n), at+".source", ErrMissing)
		ok = false
	case r.Source == "" || p.badSources[r.Source]:
		ok = false // already reported
	case !known:
		p.fail(lineOf(f["source"], n), at+".source",
			fmt.Errorf("%w %q (not among the documents of this file)", ErrUnknownSource, r.Source))
		ok = false
	}

	if f["tiers"].key != nil {
		var given int
		r.Tiers, given = p.tierRefs(f["tiers"], at+".tiers")
		if given == 0 && isEmpty(f["tiers"].val) {
			p.fail(lineOf(f["tiers"], n), at+".tiers", fmt.Errorf("%w: an empty tier list feeds nothing", ErrEmpty))
		}
		if len(r.Tiers) == 0 {
			ok = false
		}
	} else if known {
		r.Tiers = slices.Clone(srcTiers)
		ok = ok && len(r.Tiers) > 0
		if len(r.Tiers) == 0 && !p.tiersBroken && !p.sourceTiersBad[r.Source] {
			p.fail(n.Line, at+".tiers", fmt.Errorf("%w (source %q speaks for no tier)", ErrMissing, r.Source))
		}
	}

	r.Attribute = p.str(f["attribute"], at+".attribute")
	switch {
	case r.Attribute == "" && (f["attribute"].val == nil || isNull(f["attribute"].val)):
		p.fail(lineOf(f["attribute"], n), at+".attribute", ErrMissing)
		ok = false
	case r.Attribute == "":
		p.fail(lineOf(f["attribute"], n), at+".attribute", ErrMissing)
		ok = false
	case !slices.Contains(terms.Attributes, r.Attribute):
		p.fail(lineOf(f["attribute"], n), at+".attribute",
			fmt.Errorf("%w %q (want one of %s)", ErrUnknownAttribute, r.Attribute, strings.Join(terms.Attributes, ", ")))
		ok = false
	}

	r.Clause = p.str(f["clause"], at+".clause")
	if strings.TrimSpace(r.Clause) != "" {
		for _, part := range strings.Split(r.Clause, ">") {
			if strings.TrimSpace(part) == "" {
				p.fail(lineOf(f["clause"], n), at+".clause",
					fmt.Errorf("%w %q: empty element between \">\" separators", ErrInvalidClause, r.Clause))
				ok = false
				break
			}
		}
	}

	r.Match = p.str(f["match"], at+".match")
	if r.Match != "" {
		if _, err := regexp.Compile(r.Match); err != nil {
			p.fail(lineOf(f["match"], n), at+".match", fmt.Errorf("%w %q: %w", ErrInvalidRegexp, r.Match, err))
			ok = false
		}
	}
	return r, ok
}

// fields returns the entries of mapping n by key, recording unknown and
// duplicate keys. ok is false when n is not a mapping.
func (p *fileParser) fields(n *yaml.Node, at string, known []string) (map[string]entry, bool) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.fail(n.Line, at, fmt.Errorf("%w: want a mapping of %s, got %s", ErrType, strings.Join(known, ", "), kindOf(n)))
		return nil, false
	}
	out := map[string]entry{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.fail(k.Line, at, fmt.Errorf("%w: want a field name, got %s", ErrType, kindOf(k)))
			continue
		}
		field := join(at, k.Value)
		if !slices.Contains(known, k.Value) {
			p.fail(k.Line, field, fmt.Errorf("%w (want one of %s)", ErrUnknownField, strings.Join(known, ", ")))
			continue
		}
		if first, dup := out[k.Value]; dup {
			p.fail(k.Line, field, fmt.Errorf("%w (first given at line %d)", ErrDuplicateField, first.key.Line))
			continue
		}
		out[k.Value] = entry{key: k, val: v}
	}
	return out, true
}

// id reads the required id field key of mapping n and checks its form. It
// returns the value as written (possibly malformed or "") and its line; ok
// is false when a problem was recorded.
func (p *fileParser) id(f map[string]entry, n *yaml.Node, at, key string) (id string, line int, ok bool) {
	field := join(at, key)
	e := f[key]
	line = lineOf(e, n)
	id = p.str(e, field) // records a value of the wrong type
	if id == "" {
		if e.val == nil || isNull(e.val) {
			p.fail(line, field, ErrMissing)
		}
		return "", line, false
	}
	if !validID(id) {
		p.fail(line, field, fmt.Errorf("%w %q: want lower-case letters and digits in groups joined by single hyphens", ErrInvalidID, id))
		return id, line, false
	}
	return id, line, true
}

// str reads a scalar; an absent or null value is "".
func (p *fileParser) str(e entry, field string) string {
	if e.val == nil {
		return ""
	}
	n := resolve(e.val)
	if n.Kind != yaml.ScalarNode {
		p.fail(n.Line, field, fmt.Errorf("%w: want a string, got %s", ErrType, kindOf(n)))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return n.Value
}

// seq returns the items of a list; an absent or null value is no items.
func (p *fileParser) seq(e entry, field string) []*yaml.Node {
	if e.val == nil {
		return nil
	}
	n := resolve(e.val)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n.Line, field, fmt.Errorf("%w: want a list, got %s", ErrType, kindOf(n)))
		return nil
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = resolve(c)
	}
	return items
}

// item is one string of a list, with its position.
type item struct {
	val   string
	line  int
	field string // "documents[0].select[1]", or the list's field for a single string
}

// strList reads a list of strings; a single string is a list of one. Empty
// items are recorded as problems and left out.
func (p *fileParser) strList(e entry, field string) []item {
	if e.val != nil && resolve(e.val).Kind == yaml.ScalarNode {
		if s := p.str(e, field); s != "" {
			return []item{{val: s, line: resolve(e.val).Line, field: field}}
		}
		return nil
	}
	var out []item
	for i, n := range p.seq(e, field) {
		it := item{line: n.Line, field: fmt.Sprintf("%s[%d]", field, i)}
		it.val = p.str(entry{val: n}, it.field)
		switch {
		case strings.TrimSpace(it.val) != "":
			out = append(out, it)
		case n.Kind == yaml.ScalarNode:
			p.fail(n.Line, it.field, ErrEmpty)
		}
	}
	return out
}

// selectors reads a list of CSS selectors, compiling each.
func (p *fileParser) selectors(e entry, field string) []string {
	var out []string
	for _, it := range p.strList(e, field) {
		if _, err := cascadia.Compile(it.val); err != nil {
			p.fail(it.line, it.field, fmt.Errorf("%w %q: %w", ErrInvalidSelector, it.val, err))
			continue
		}
		out = append(out, it.val)
	}
	return out
}

// tierRefs reads a list of tier ids, each of which must be declared. It
// returns the valid ones and how many were given. References to tiers whose
// declaration was already reported as malformed are dropped silently.
func (p *fileParser) tierRefs(e entry, field string) (tiers []string, given int) {
	items := p.strList(e, field)
	for _, it := range items {
		_, declared := p.tiers[it.val]
		switch {
		case slices.Contains(tiers, it.val):
			p.fail(it.line, it.field, fmt.Errorf("%w %q: listed twice", ErrDuplicateTier, it.val))
		case declared:
			tiers = append(tiers, it.val)
		case p.tiersBroken || p.badTiers[it.val]:
			// already reported
		default:
			p.fail(it.line, it.field, fmt.Errorf("%w %q (declare it under tiers)", ErrUnknownTier, it.val))
		}
	}
	return tiers, len(items)
}

// headers reads a mapping of extra request headers, checking names and
// values as HTTP requires.
func (p *fileParser) headers(e entry, field string) map[string]string {
	if e.val == nil || isNull(resolve(e.val)) {
		return nil
	}
	n := resolve(e.val)
	if n.Kind != yaml.MappingNode {
		p.fail(n.Line, field, fmt.Errorf("%w: want a mapping of header name to value, got %s", ErrType, kindOf(n)))
		return nil
	}
	out := map[string]string{}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		name := k.Value
		item := join(field, name)
		if k.Kind != yaml.ScalarNode || !validToken(name) {
			p.fail(k.Line, item, fmt.Errorf("%w name %q: not an HTTP token", ErrInvalidHeader, name))
			continue
		}
		if first, dup := seen[strings.ToLower(name)]; dup {
			p.fail(k.Line, item, fmt.Errorf("%w name %q: given twice (first at line %d)", ErrInvalidHeader, name, first))
			continue
		}
		seen[strings.ToLower(name)] = k.Line
		val := p.str(entry{key: k, val: v}, item)
		if !validHeaderValue(val) {
			p.fail(k.Line, item, fmt.Errorf("%w value %q: control characters are not allowed", ErrInvalidHeader, val))
			continue
		}
		out[name] = val
	}
	return out
}

// checkURL accepts absolute http and https URLs with a host.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%w %q: %w", ErrInvalidURL, s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w %q: want an absolute http or https URL", ErrInvalidURL, s)
	}
	if u.Host == "" {
		return fmt.Errorf("%w %q: no host", ErrInvalidURL, s)
	}
	return nil
}

// validID reports whether s is lower-case letters and digits in groups
// joined by single hyphens ("api-zdr").
func validID(s string) bool {
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

// validToken reports whether s is an HTTP token (RFC 9110 section 5.6.2),
// the form of a header name.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// validHeaderValue rejects control characters other than horizontal tab.
func validHeaderValue(s string) bool {
	for _, c := range []byte(s) {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isEmpty reports whether n is absent, null, "", [] or {}.
func isEmpty(n *yaml.Node) bool {
	n = resolve(n)
	switch {
	case isNull(n):
		return true
	case n.Kind == yaml.ScalarNode:
		return n.Value == ""
	}
	return len(n.Content) == 0
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// lineOf is the line of a field's key, or the line of the mapping n holding
// it when the field is absent.
func lineOf(e entry, n *yaml.Node) int {
	if e.key != nil {
		return e.key.Line
	}
	return n.Line
}

func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "another kind of node"
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}
