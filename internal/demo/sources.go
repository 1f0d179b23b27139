package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/clausewatch/clausewatch/internal/source"
)

// vendorLineRe finds the vendor a declaration or baseline file is about.
var vendorLineRe = regexp.MustCompile(`(?m)^vendor:\s*["']?([a-z0-9-]+)["']?\s*(?:#.*)?$`)

// urlLineRe finds a document's url field, quoted or not.
var urlLineRe = regexp.MustCompile(`(?m)^(\s*(?:-\s+)?url:\s*)(["']?)(https?://[^\s"'#]+)(["']?)`)

// CopySources copies the declarations and baselines of Vendor from fsys (a
// sources/ directory: declarations at its top level, baselines under
// baselines/) into dir, rewriting every document URL onto the local site
// at base with RewriteURL; selectors, rules and baselines are copied
// unchanged, and the files of other vendors are left out (the site serves
// no page of theirs). It returns the original URL of each copied source,
// by source id, and checks that the copy loads and points only at base.
func CopySources(fsys fs.FS, dir, base string) (map[string]string, error) {
	urls, err := vendorURLs(fsys)
	if err != nil {
		return nil, err
	}
	if err := copyVendorFiles(fsys, dir, base); err != nil {
		return nil, fmt.Errorf("copy declarations to %s: %w", dir, err)
	}
	if err := checkLocal(dir, base); err != nil {
		return nil, err
	}
	return urls, nil
}

// vendorURLs loads the declarations of fsys and returns the URL of each
// source of Vendor, by source id; it is an error when there is none.
func vendorURLs(fsys fs.FS) (map[string]string, error) {
	vendors, err := source.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("bundled declarations: %w", err)
	}
	urls := map[string]string{}
	for _, v := range vendors {
		if v.ID != Vendor {
			continue
		}
		for _, s := range v.Sources {
			urls[s.ID] = s.URL
		}
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("bundled declarations: no source of vendor %q", Vendor)
	}
	return urls, nil
}

// copyVendorFiles copies every YAML file of Vendor in fsys into dir,
// skipping hidden directories.
func copyVendorFiles(fsys fs.FS, dir, base string) error {
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && name != "." && strings.HasPrefix(d.Name(), "."):
			return fs.SkipDir
		case d.IsDir() || !isYAML(name):
			return nil
		}
		return copyVendorFile(fsys, name, dir, base)
	})
}

// isYAML reports whether name ends in .yaml or .yml, in any case.
func isYAML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// copyVendorFile copies the file name of fsys into dir when it is about
// Vendor, rewriting the URLs of a declaration file (one at the top level)
// onto base; baselines are copied unchanged.
func copyVendorFile(fsys fs.FS, name, dir, base string) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	m := vendorLineRe.FindSubmatch(data)
	if m == nil || string(m[1]) != Vendor {
		return nil // another vendor's file
	}
	if !strings.Contains(name, "/") { // a declaration file
		data, err = rewriteURLs(data, base)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	dst := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return nil
}

// checkLocal checks that the declarations copied into dir load and that
// every source points at base.
func checkLocal(dir, base string) error {
	got, err := source.LoadDir(dir)
	if err != nil {
		return fmt.Errorf("rewritten declarations: %w", err)
	}
	prefix := strings.TrimRight(base, "/") + "/"
	for _, v := range got {
		for _, s := range v.Sources {
			if !strings.HasPrefix(s.URL, prefix) {
				return fmt.Errorf("rewritten declarations: source %s still points at %s", s.ID, s.URL)
			}
		}
	}
	return nil
}

// rewriteURLs rewrites every url field of a declaration file onto base.
func rewriteURLs(data []byte, base string) ([]byte, error) {
	var errs []error
	out := urlLineRe.ReplaceAllFunc(data, func(line []byte) []byte {
		m := urlLineRe.FindSubmatch(line)
		local, err := RewriteURL(base, string(m[3]))
		if err != nil {
			errs = append(errs, err)
			return line
		}
		return []byte(string(m[1]) + string(m[2]) + local + string(m[4]))
	})
	return out, errors.Join(errs...)
}
