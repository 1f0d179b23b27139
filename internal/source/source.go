// Package source reads and validates the vendor declarations of sources/:
// one YAML file per vendor naming its tiers, the documents watched for it and
// the rules that map clauses of those documents to tier attributes.
//
// Loading is strict: an unknown field, a malformed id, URL, CSS selector or
// regular expression, or a reference to an undeclared tier or source is an
// error. Every problem of a load is reported at once, each as a
// self-contained *Error naming the file, line and field, joined with
// errors.Join; the sentinel errors below classify them for errors.Is.
package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/yamlx"
)

// Sentinel errors; every *Error of a load wraps exactly one of them.
var (
	ErrNoFiles          = errors.New("no *.yaml or *.yml declaration files")
	ErrRead             = errors.New("cannot read declaration file")
	ErrSyntax           = errors.New("YAML syntax error")
	ErrEmptyFile        = errors.New("empty declaration file")
	ErrType             = errors.New("wrong type")
	ErrUnknownField     = errors.New("unknown field")
	ErrDuplicateField   = errors.New("duplicate field")
	ErrMissing          = errors.New("missing required field")
	ErrEmpty            = errors.New("empty value")
	ErrInvalidID        = errors.New("invalid id")
	ErrDuplicateVendor  = errors.New("duplicate vendor id")
	ErrDuplicateTier    = errors.New("duplicate tier id")
	ErrDuplicateSource  = errors.New("duplicate source id")
	ErrDuplicateVariant = errors.New("duplicate variant id")
	ErrDuplicateName    = errors.New("duplicate name")
	ErrInvalidURL       = errors.New("invalid URL")
	ErrInvalidSelector  = errors.New("invalid CSS selector")
	ErrInvalidHeader    = errors.New("invalid header")
	ErrInvalidHost      = errors.New("invalid host")
	ErrInvalidRender    = errors.New("invalid render mode")
	ErrUnknownTier      = errors.New("undeclared tier")
	ErrUnknownSource    = errors.New("unknown source")
	ErrUnknownAttribute = errors.New("unknown attribute")
	ErrInvalidRegexp    = errors.New("invalid regular expression")
	ErrInvalidClause    = errors.New("invalid heading-path selector")
	ErrInvalidValue     = errors.New("invalid value")
)

// Error is one problem of a declaration file. Its message reads
// "FILE:LINE: FIELD: problem", e.g.
// `sources/acme.yaml:14: documents[2].select[1]: invalid CSS selector "div[": …`;
// list indexes in FIELD count from 0. Line is 0 and omitted when the problem
// has no position (an unreadable file); Field is empty for whole-file
// problems (syntax errors, an empty file).
type Error = yamlx.Error

// Load reads every *.yaml and *.yml file at the top level of fsys (not
// subdirectories: sources/baselines/ holds baseline files read elsewhere;
// names starting with "." are skipped), strictly, and validates them. Files
// are read in lexical order; vendors come back in that order, each with its
// tiers, sources and rules in file order. Messages name files
// "sources/NAME". On any problem Load returns nil and every problem found,
// joined; a directory without declaration files is an error (ErrNoFiles).
func Load(fsys fs.FS) ([]terms.Vendor, error) {
	return load(fsys, "sources", func(name string) string { return path.Join("sources", name) })
}

// LoadDir is Load(os.DirFS(dir)) with messages naming dir/file as given
// ("sources/anthropic.yaml" for dir "sources"). Vendor.File, Source.File and
// Rule.File carry the same names.
func LoadDir(dir string) ([]terms.Vendor, error) {
	return load(os.DirFS(dir), dir, func(name string) string { return filepath.Join(dir, name) })
}

func load(fsys fs.FS, dir string, fileName func(string) string) ([]terms.Vendor, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read declarations directory %s: %w", dir, err)
	}
	var (
		files []*parsed
		errs  []error
	)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !isYAML(name) {
			continue
		}
		file := fileName(name)
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &Error{File: file, Err: fmt.Errorf("%w: %w", ErrRead, err)})
			continue
		}
		p, ferrs := parseFile(file, data)
		errs = append(errs, ferrs...)
		if p != nil {
			files = append(files, p)
		}
	}
	if len(files) == 0 && len(errs) == 0 {
		return nil, &Error{File: dir, Err: ErrNoFiles}
	}
	errs = append(errs, crossFile(files)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	vendors := make([]terms.Vendor, len(files))
	for i, p := range files {
		vendors[i] = p.vendor
	}
	return vendors, nil
}

func isYAML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// crossFile reports vendor ids and source ids declared more than once across
// files, naming both places. Duplicates inside one file were reported by
// parseFile and are not repeated.
func crossFile(files []*parsed) []error {
	var errs []error
	vendorAt := map[string]string{}
	sourceAt := map[string]string{} // id → "file:line"
	for _, p := range files {
		v := p.vendor
		if v.ID != "" {
			if first, ok := vendorAt[v.ID]; ok {
				errs = append(errs, &Error{File: v.File, Line: p.vendorLine, Field: "vendor",
					Err: fmt.Errorf("%w %q (first declared in %s)", ErrDuplicateVendor, v.ID, first)})
			} else {
				vendorAt[v.ID] = v.File
			}
		}
		for i, s := range v.Sources {
			if first, ok := sourceAt[s.ID]; ok {
				errs = append(errs, &Error{File: s.File, Line: p.idLines[i], Field: p.idFields[i],
					Err: fmt.Errorf("%w %q (first declared at %s)", ErrDuplicateSource, s.ID, first)})
				continue
			}
			sourceAt[s.ID] = fmt.Sprintf("%s:%d", s.File, p.idLines[i])
		}
	}
	return errs
}

// Find returns the source with id across vendors, and its vendor; ok is
// false when no vendor declares it.
func Find(vendors []terms.Vendor, id string) (terms.Vendor, terms.Source, bool) {
	for _, v := range vendors {
		for _, s := range v.Sources {
			if s.ID == id {
				return v, s, true
			}
		}
	}
	return terms.Vendor{}, terms.Source{}, false
}

// All returns every source of every vendor, in file order (vendors in the
// order given, each vendor's documents in declaration order).
func All(vendors []terms.Vendor) []terms.Source {
	var all []terms.Source
	for _, v := range vendors {
		all = append(all, v.Sources...)
	}
	return all
}

// MatchVariant names the regional variant of s that text (the extracted
// text of a snapshot, such as terms.Document.Text) is: the ID of the first
// of s.Variants whose Match matches text, case-insensitively. ok is false
// when s declares no variants or none matches; a Match that does not
// compile (never the case for a loaded Source) matches nothing.
func MatchVariant(s terms.Source, text string) (id string, ok bool) {
	for _, v := range s.Variants {
		re, err := regexp.Compile("(?i)" + v.Match)
		if err != nil {
			continue
		}
		if re.MatchString(text) {
			return v.ID, true
		}
	}
	return "", false
}
