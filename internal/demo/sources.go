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
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(path.Ext(name))
		if ext != ".yaml" && ext != ".yml" {
			return nil
		}
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
	})
	if err != nil {
		return nil, fmt.Errorf("copy declarations to %s: %w", dir, err)
	}
	got, err := source.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("rewritten declarations: %w", err)
	}
	for _, v := range got {
		for _, s := range v.Sources {
			if !strings.HasPrefix(s.URL, strings.TrimRight(base, "/")+"/") {
				return nil, fmt.Errorf("rewritten declarations: source %s still points at %s", s.ID, s.URL)
			}
		}
	}
	return urls, nil
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
