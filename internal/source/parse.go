package source

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"

	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/yamlx"
)

// Field names of each mapping of a declaration file, in documentation order.
var (
	vendorFields   = []string{"vendor", "name", "names", "products", "clouds", "tiers", "documents", "attributes"}
	tierFields     = []string{"id", "label", "names"}
	documentFields = []string{"id", "title", "url", "select", "remove", "tiers", "primary", "headers", "render", "browser_allow", "variants"}
	variantFields  = []string{"id", "match"}
	ruleFields     = []string{"source", "tiers", "attribute", "clause", "match", "exclude"}
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
	yamlx.Reader
	file string
	errs []error

	tiers          map[string]int      // declared tier id → line
	badTiers       map[string]bool     // tier ids already reported as malformed
	tiersBroken    bool                // the tiers list itself is malformed
	sources        map[string][]string // declared source id → its tiers
	sourceTiersBad map[string]bool     // source ids whose tier list had reported problems
	badSources     map[string]bool     // source ids already reported as malformed
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
	p.Reader = yamlx.Reader{
		Fail: p.fail,
		Errs: yamlx.Errors{Syntax: ErrSyntax, Type: ErrType, UnknownField: ErrUnknownField, DuplicateField: ErrDuplicateField,
			EmptyFile: ErrEmptyFile, EmptyItem: ErrEmpty,
			ExtraDocument: fmt.Errorf("%w: more than one YAML document (a second \"---\")", ErrSyntax)},
		Words: yamlx.Words{Scalar: "the value %q", Other: "another kind of node", String: "a string"},
	}
	root, ok := p.Document(data)
	if !ok {
		return nil, p.errs
	}
	out := p.vendor(root)
	sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].(*Error).Line < p.errs[j].(*Error).Line })
	return out, p.errs
}

func (p *fileParser) vendor(root *yaml.Node) *parsed {
	out := &parsed{}
	v := &out.vendor
	v.File = p.file
	f, ok := p.Fields(root, "", vendorFields)
	if !ok {
		return out
	}
	v.ID, out.vendorLine, _ = p.id(f, root, "", "vendor")
	v.Name = p.Str(f["name"], "name")
	if v.Name == "" {
		v.Name = v.ID
	}
	p.vendorNames(v, f)

	if t := f["tiers"]; t.Val != nil && !yamlx.IsNull(t.Val) && yamlx.Resolve(t.Val).Kind != yaml.SequenceNode {
		p.tiersBroken = true // reported by seq; references to tiers would only repeat it
	}
	for i, n := range p.Seq(f["tiers"], "tiers") {
		at := fmt.Sprintf("tiers[%d]", i)
		tf, ok := p.Fields(n, at, tierFields)
		if !ok {
			p.tiersBroken = true
			continue
		}
		id, line, ok := p.id(tf, n, at, "id")
		if !ok {
			p.badTiers[id] = true
			continue
		}
		t := terms.Tier{ID: id, Label: p.Str(tf["label"], at+".label")}
		if t.Label == "" {
			t.Label = t.ID
		}
		t.Names, _ = p.names(tf["names"], at+".names")
		if first, dup := p.tiers[t.ID]; dup {
			p.fail(line, at+".id", fmt.Errorf("%w %q (first declared at line %d)", ErrDuplicateTier, t.ID, first))
			continue
		}
		p.tiers[t.ID] = line
		v.Tiers = append(v.Tiers, t)
	}

	docs := p.Seq(f["documents"], "documents")
	if d := f["documents"]; len(docs) == 0 && (d.Val == nil || yamlx.IsNull(d.Val) || yamlx.Resolve(d.Val).Kind == yaml.SequenceNode) {
		p.fail(yamlx.LineOf(d, root), "documents", fmt.Errorf("%w: declare at least one document", ErrMissing))
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

	for i, n := range p.Seq(f["attributes"], "attributes") {
		at := fmt.Sprintf("attributes[%d]", i)
		if r, ok := p.rule(n, at); ok {
			v.Rules = append(v.Rules, r)
		}
	}
	return out
}

// vendorNames reads the names, products and clouds of the vendor. Names
// defaults to [Name] when the field is absent. A name may not be both the
// vendor's own (names, products) and a cloud's: readers could not tell
// the parties apart.
func (p *fileParser) vendorNames(v *terms.Vendor, f map[string]yamlx.Entry) {
	var own, clouds map[string]int
	v.Names, own = p.names(f["names"], "names")
	if f["names"].Key == nil {
		v.Names = []string{v.Name}
	}
	var products map[string]int
	v.Products, products = p.names(f["products"], "products")
	v.Clouds, clouds = p.names(f["clouds"], "clouds")
	for i, name := range v.Clouds {
		key := nameKey(name)
		for _, l := range []struct {
			field string
			lines map[string]int
		}{{"names", own}, {"products", products}} {
			if line, dup := l.lines[key]; dup {
				p.fail(clouds[key], fmt.Sprintf("clouds[%d]", i),
					fmt.Errorf("%w %q: also listed under %s (line %d), but a cloud is another party than the vendor", ErrDuplicateName, name, l.field, line))
			}
		}
	}
}

// names reads a list of names pages use (a single string is a list of
// one), with white space runs made single spaces. It returns them in
// order with the line of each by nameKey. Names are matched in pages
// without regard to case, so a name listed twice in any case is an error;
// so are an empty name and a field given with no name at all (omit it).
func (p *fileParser) names(e yamlx.Entry, field string) ([]string, map[string]int) {
	lines := map[string]int{}
	if e.Key == nil {
		return nil, lines
	}
	items := p.StrList(e, field)
	if len(items) == 0 && isEmpty(e.Val) {
		p.fail(e.Key.Line, field, fmt.Errorf("%w: no name given (omit the field instead)", ErrEmpty))
	}
	var out []string
	for _, it := range items {
		name := strings.Join(strings.Fields(it.Val), " ")
		key := nameKey(name)
		if first, dup := lines[key]; dup {
			p.fail(it.Line, it.Field, fmt.Errorf("%w %q (first listed at line %d)", ErrDuplicateName, it.Val, first))
			continue
		}
		lines[key] = it.Line
		out = append(out, name)
	}
	return out, lines
}

// nameKey is the form in which two names are the same name.
func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// document1 reads one entry of documents. ok is false when it has no valid
// id (s.ID is then the malformed id, or ""); every problem is recorded, and a
// source with problems other than its id is still returned so that rules
// naming it are not reported too.
func (p *fileParser) document1(n *yaml.Node, at, vendor string) (s terms.Source, idLine int, ok bool) {
	f, ok := p.Fields(n, at, documentFields)
	if !ok {
		return s, 0, false
	}
	s = terms.Source{Vendor: vendor, File: p.file, Line: n.Line}
	s.ID, idLine, ok = p.id(f, n, at, "id")
	s.Title = p.Str(f["title"], at+".title")
	if s.Title == "" {
		s.Title = s.ID
	}

	s.URL = p.Str(f["url"], at+".url")
	if u := f["url"]; u.Val == nil || yamlx.IsNull(u.Val) {
		p.fail(yamlx.LineOf(f["url"], n), at+".url", ErrMissing)
	} else if err := checkURL(s.URL); s.URL != "" && err != nil {
		p.fail(yamlx.LineOf(f["url"], n), at+".url", err)
	}

	s.Select = p.selectors(f["select"], at+".select")
	s.Remove = p.selectors(f["remove"], at+".remove")
	var given int
	s.Tiers, given = p.tierRefs(f["tiers"], at+".tiers")
	if given > len(s.Tiers) || !isEmpty(f["tiers"].Val) && given == 0 {
		p.sourceTiersBad[s.ID] = true // some were reported; rules defaulting to them must not repeat it
	}
	for _, it := range p.StrList(f["primary"], at+".primary") {
		if !slices.Contains(terms.Attributes, it.Val) {
			p.fail(it.Line, it.Field, fmt.Errorf("%w %q (want one of %s)", ErrUnknownAttribute, it.Val, strings.Join(terms.Attributes, ", ")))
			continue
		}
		s.Primary = append(s.Primary, it.Val)
	}
	s.Headers = p.headers(f["headers"], at+".headers")

	s.Render = p.Str(f["render"], at+".render")
	if s.Render != terms.RenderHTTP && s.Render != terms.RenderBrowser {
		p.fail(yamlx.LineOf(f["render"], n), at+".render",
			fmt.Errorf("%w %q (want %q, or no render field for a plain HTTP GET)", ErrInvalidRender, s.Render, terms.RenderBrowser))
	}
	s.BrowserAllow = p.browserAllow(f["browser_allow"], at+".browser_allow", s.Render)
	s.Variants = p.variants(f["variants"], at+".variants")
	return s, idLine, ok
}

// variants reads the regional variants of a document: a list of {id, match}
// with ids unique within the document and match a regular expression that
// compiles (case-insensitively, as it is applied). Entries with problems are
// recorded and left out.
func (p *fileParser) variants(e yamlx.Entry, field string) []terms.Variant {
	var out []terms.Variant
	seen := map[string]int{}
	for i, n := range p.Seq(e, field) {
		at := fmt.Sprintf("%s[%d]", field, i)
		f, ok := p.Fields(n, at, variantFields)
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
		match := p.Str(f["match"], at+".match")
		switch m := f["match"]; {
		case m.Val == nil || yamlx.IsNull(m.Val):
			p.fail(yamlx.LineOf(m, n), at+".match", fmt.Errorf("%w: a variant is recognized by its match expression", ErrMissing))
			ok = false
		case match == "" && yamlx.Resolve(m.Val).Kind == yaml.ScalarNode:
			p.fail(yamlx.LineOf(m, n), at+".match", fmt.Errorf("%w: an empty expression matches every page", ErrEmpty))
			ok = false
		case match == "":
			ok = false // wrong type, already reported
		default:
			if _, err := regexp.Compile("(?i)" + match); err != nil {
				p.fail(yamlx.LineOf(m, n), at+".match", fmt.Errorf("%w %q: %w", ErrInvalidRegexp, match, err))
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
	f, ok := p.Fields(n, at, ruleFields)
	if !ok {
		return terms.Rule{}, false
	}
	r := terms.Rule{File: p.file, Line: n.Line}
	ok = true

	var known bool
	known, ok = p.ruleSource(&r, f, n, at)
	ok = p.ruleTiers(&r, f, n, at, known) && ok

	r.Attribute = p.Str(f["attribute"], at+".attribute")
	switch {
	case r.Attribute == "" && (f["attribute"].Val == nil || yamlx.IsNull(f["attribute"].Val)):
		p.fail(yamlx.LineOf(f["attribute"], n), at+".attribute", ErrMissing)
		ok = false
	case r.Attribute == "":
		p.fail(yamlx.LineOf(f["attribute"], n), at+".attribute", ErrMissing)
		ok = false
	case !slices.Contains(terms.Attributes, r.Attribute):
		p.fail(yamlx.LineOf(f["attribute"], n), at+".attribute",
			fmt.Errorf("%w %q (want one of %s)", ErrUnknownAttribute, r.Attribute, strings.Join(terms.Attributes, ", ")))
		ok = false
	}

	r.Clause = p.Str(f["clause"], at+".clause")
	if strings.TrimSpace(r.Clause) != "" {
		for _, part := range strings.Split(r.Clause, ">") {
			if strings.TrimSpace(part) == "" {
				p.fail(yamlx.LineOf(f["clause"], n), at+".clause",
					fmt.Errorf("%w %q: empty element between \">\" separators", ErrInvalidClause, r.Clause))
				ok = false
				break
			}
		}
	}

	switch ex := p.Str(f["exclude"], at+".exclude"); ex {
	case "", "false":
	case "true":
		r.Exclude = true
	default:
		p.fail(yamlx.LineOf(f["exclude"], n), at+".exclude", fmt.Errorf("%w %q (want true or false)", ErrInvalidValue, ex))
		ok = false
	}

	r.Match = p.Str(f["match"], at+".match")
	if r.Match != "" {
		if _, err := regexp.Compile(r.Match); err != nil {
			p.fail(yamlx.LineOf(f["match"], n), at+".match", fmt.Errorf("%w %q: %w", ErrInvalidRegexp, r.Match, err))
			ok = false
		}
	}
	return r, ok
}

// ruleSource reads a rule's source; known reports whether the file
// declares it.
func (p *fileParser) ruleSource(r *terms.Rule, f map[string]yamlx.Entry, n *yaml.Node, at string) (known, ok bool) {
	ok = true
	r.Source = p.Str(f["source"], at+".source")
	_, known = p.sources[r.Source]
	switch {
	case r.Source == "" && (f["source"].Val == nil || yamlx.IsNull(f["source"].Val)):
		p.fail(yamlx.LineOf(f["source"], n), at+".source", ErrMissing)
		ok = false
	case r.Source == "" || p.badSources[r.Source]:
		ok = false // already reported
	case !known:
		p.fail(yamlx.LineOf(f["source"], n), at+".source",
			fmt.Errorf("%w %q (not among the documents of this file)", ErrUnknownSource, r.Source))
		ok = false
	}

	return known, ok
}

// ruleTiers reads a rule's tiers, the source's tiers by default.
func (p *fileParser) ruleTiers(r *terms.Rule, f map[string]yamlx.Entry, n *yaml.Node, at string, known bool) bool {
	ok := true
	srcTiers := p.sources[r.Source]
	if f["tiers"].Key != nil {
		var given int
		r.Tiers, given = p.tierRefs(f["tiers"], at+".tiers")
		if given == 0 && isEmpty(f["tiers"].Val) {
			p.fail(yamlx.LineOf(f["tiers"], n), at+".tiers", fmt.Errorf("%w: an empty tier list feeds nothing", ErrEmpty))
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

	return ok
}

// id reads the required id field key of mapping n and checks its form. It
// returns the value as written (possibly malformed or "") and its line; ok
// is false when a problem was recorded.
func (p *fileParser) id(f map[string]yamlx.Entry, n *yaml.Node, at, key string) (id string, line int, ok bool) {
	field := yamlx.Join(at, key)
	e := f[key]
	line = yamlx.LineOf(e, n)
	id = p.Str(e, field) // records a value of the wrong type
	if id == "" {
		if e.Val == nil || yamlx.IsNull(e.Val) {
			p.fail(line, field, ErrMissing)
		}
		return "", line, false
	}
	if !yamlx.ValidID(id) {
		p.fail(line, field, fmt.Errorf("%w %q: want lower-case letters and digits in groups joined by single hyphens", ErrInvalidID, id))
		return id, line, false
	}
	return id, line, true
}

// selectors reads a list of CSS selectors, compiling each.
func (p *fileParser) selectors(e yamlx.Entry, field string) []string {
	var out []string
	for _, it := range p.StrList(e, field) {
		if _, err := cascadia.Compile(it.Val); err != nil {
			p.fail(it.Line, it.Field, fmt.Errorf("%w %q: %w", ErrInvalidSelector, it.Val, err))
			continue
		}
		out = append(out, it.Val)
	}
	return out
}

// tierRefs reads a list of tier ids, each of which must be declared. It
// returns the valid ones and how many were given. References to tiers whose
// declaration was already reported as malformed are dropped silently.
func (p *fileParser) tierRefs(e yamlx.Entry, field string) (tiers []string, given int) {
	items := p.StrList(e, field)
	for _, it := range items {
		_, declared := p.tiers[it.Val]
		switch {
		case slices.Contains(tiers, it.Val):
			p.fail(it.Line, it.Field, fmt.Errorf("%w %q: listed twice", ErrDuplicateTier, it.Val))
		case declared:
			tiers = append(tiers, it.Val)
		case p.tiersBroken || p.badTiers[it.Val]:
			// already reported
		default:
			p.fail(it.Line, it.Field, fmt.Errorf("%w %q (declare it under tiers)", ErrUnknownTier, it.Val))
		}
	}
	return tiers, len(items)
}

// headers reads a mapping of extra request headers, checking names and
// values as HTTP requires.
func (p *fileParser) headers(e yamlx.Entry, field string) map[string]string {
	if e.Val == nil || yamlx.IsNull(yamlx.Resolve(e.Val)) {
		return nil
	}
	n := yamlx.Resolve(e.Val)
	if n.Kind != yaml.MappingNode {
		p.fail(n.Line, field, fmt.Errorf("%w: want a mapping of header name to value, got %s", ErrType, p.KindOf(n)))
		return nil
	}
	out := map[string]string{}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlx.Resolve(n.Content[i]), n.Content[i+1]
		name := k.Value
		item := yamlx.Join(field, name)
		if k.Kind != yaml.ScalarNode || !validToken(name) {
			p.fail(k.Line, item, fmt.Errorf("%w name %q: not an HTTP token", ErrInvalidHeader, name))
			continue
		}
		if first, dup := seen[strings.ToLower(name)]; dup {
			p.fail(k.Line, item, fmt.Errorf("%w name %q: given twice (first at line %d)", ErrInvalidHeader, name, first))
			continue
		}
		seen[strings.ToLower(name)] = k.Line
		val := p.Str(yamlx.Entry{Key: k, Val: v}, item)
		if !validHeaderValue(val) {
			p.fail(k.Line, item, fmt.Errorf("%w value %q: control characters are not allowed", ErrInvalidHeader, val))
			continue
		}
		out[name] = val
	}
	return out
}

// browserAllow reads the hosts a rendered page may load scripts and data
// from besides its own site: host names (lower-cased) or IP addresses, no
// scheme, port, path or wildcard, each once. The field applies only to
// render: browser documents.
func (p *fileParser) browserAllow(e yamlx.Entry, field, render string) []string {
	items := p.StrList(e, field)
	if len(items) > 0 && render != terms.RenderBrowser {
		p.fail(items[0].Line, field, fmt.Errorf("%w: browser_allow applies only to a document with render: %s", ErrInvalidValue, terms.RenderBrowser))
		return nil
	}
	var out []string
	for _, it := range items {
		host := strings.ToLower(strings.TrimSuffix(it.Val, "."))
		if err := checkAllowHost(host); err != nil {
			p.fail(it.Line, it.Field, fmt.Errorf("%w %q: %w", ErrInvalidHost, it.Val, err))
			continue
		}
		if slices.Contains(out, host) {
			p.fail(it.Line, it.Field, fmt.Errorf("%w %q: listed twice", ErrInvalidHost, it.Val))
			continue
		}
		out = append(out, host)
	}
	return out
}

// checkAllowHost accepts an IP address or a host name of dot-separated
// labels of letters, digits and inner hyphens.
func checkAllowHost(host string) error {
	const want = "want a host name such as cdn.example.com (no scheme, port, path or wildcard)"
	if host == "" {
		return errors.New("empty host: " + want)
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return nil
	}
	if len(host) > 253 {
		return errors.New("host name longer than 253 characters")
	}
	for label := range strings.SplitSeq(host, ".") {
		ok := label != "" && len(label) <= 63 && label[0] != '-' && label[len(label)-1] != '-'
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				ok = false
			}
		}
		if !ok {
			return errors.New(want)
		}
	}
	return nil
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

// isEmpty reports whether n is absent, null, "", [] or {}.
func isEmpty(n *yaml.Node) bool {
	n = yamlx.Resolve(n)
	switch {
	case yamlx.IsNull(n):
		return true
	case n.Kind == yaml.ScalarNode:
		return n.Value == ""
	}
	return len(n.Content) == 0
}
