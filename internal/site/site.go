// Package site writes the static, offline website of a clausewatch
// database: each vendor's tier × attribute grid laid out like the guide,
// the timeline of changes with their word diffs, each source's versions
// with diffs between them, and Atom feeds. The pages need no network (no
// CDN, no framework: the CSS and a little JavaScript are embedded and
// written beside them), read well with JavaScript off and print.
//
// The site is written whole into a temporary directory beside the target
// and renamed into place, so a half-written site is never served.
package site

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Marker is the file every site carries at its root: Write replaces an
// existing directory only when it holds it (or is empty), so that a typo
// in --out cannot replace a directory of other files.
const Marker = ".clausewatch-site"

// Data is everything a site shows. The cells come from the one table of
// cells (compare.Build, then report.Rows); the site derives none.
type Data struct {
	Generated time.Time      // when the site was written, shown on every page
	Vendors   []Vendor       // in declaration order
	Events    []terms.Event  // the change events to list, any order (rule-changed left out by the caller)
	Sources   []Source       // every declared source, with its versions
	Options   report.Options // page URLs and tier labels
}

// Vendor is one vendor's grid.
type Vendor struct {
	Vendor   terms.Vendor
	Rows     []report.Row                 // the vendor's cells, in the table's order
	Notes    map[string]map[string]string // tier → attribute → the guide's note on the documented value
	Analysis string                       // title of the analysis the documented values come from
}

// Source is one watched page and its versions, oldest first.
type Source struct {
	Source   terms.Source
	Versions []Version
}

// Version is one version of a source: its snapshot and extracted clauses.
type Version struct {
	Snapshot terms.Snapshot
	Clauses  []terms.Clause
}

// AllPairsUpTo is the number of versions up to which a source page
// pre-renders the diff between every two of its versions (at most 45
// diffs); past it, each version is diffed with the one before it and with
// the latest (2n-3 diffs), so the size of a site grows linearly with the
// history.
const AllPairsUpTo = 10

// Write renders the site of d into dir, replacing the site already there:
// it writes a new tree into a temporary directory beside dir (in its
// parent) and renames it into place, so readers see the old site or the
// new one, never half of one (on a replace there is a moment, between two
// renames, when dir does not exist). An existing dir that is not a
// directory, or that holds files but no Marker, is refused. Errors name dir.
func Write(dir string, d Data) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	replace, err := checkTarget(dir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-*")
	if err != nil {
		return fmt.Errorf("site %s: cannot write in %s: %w", dir, parent, unwrapPath(err))
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("site %s: %w", dir, err)
	}
	if err := render(tmp, d); err != nil {
		return fmt.Errorf("site %s: %w", dir, err)
	}
	if !replace {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("site %s: %w", dir, unwrapPath(err))
		}
		done = true
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("site %s: cannot move the old site aside: %w", dir, unwrapPath(err))
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("site %s: %w; and the old site could not be put back from %s: %v", dir, unwrapPath(err), old, rerr)
		}
		return fmt.Errorf("site %s: %w (the old site is unchanged)", dir, unwrapPath(err))
	}
	done = true
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("site %s: written, but the old site could not be removed from %s: %w", dir, old, err)
	}
	return nil
}

// CheckTarget reports, before anything is rendered, whether Write may
// write dir: an error naming dir when it is not a directory, holds files
// but no Marker, or its parent cannot be written.
func CheckTarget(dir string) error {
	dir = filepath.Clean(dir)
	if _, err := checkTarget(dir); err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	probe, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".probe-*")
	if err != nil {
		return fmt.Errorf("site %s: cannot write in %s: %w", dir, parent, unwrapPath(err))
	}
	return os.Remove(probe)
}

// checkTarget says whether dir holds a site to replace, and refuses a dir
// that Write must not touch.
func checkTarget(dir string) (replace bool, err error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("site %s: %w", dir, unwrapPath(err))
	case !st.IsDir():
		return false, fmt.Errorf("site %s: exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("site %s: %w", dir, unwrapPath(err))
	}
	if len(entries) == 0 {
		return true, nil
	}
	if _, err := os.Stat(filepath.Join(dir, Marker)); err != nil {
		return false, fmt.Errorf("site %s: the directory holds other files and no %s: not a clausewatch site, so it is left alone (choose a new or empty directory)", dir, Marker)
	}
	return true, nil
}

// unwrapPath drops the operation and path of an *os.PathError, whose
// message the caller states itself: "permission denied", not "mkdir
// /x/.site.new-123: permission denied".
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// pairs are the pre-rendered diffs of a source with n versions, as pairs
// of indexes (older, newer): every pair up to AllPairsUpTo versions, else
// consecutive pairs and each version against the latest.
func pairs(n int) [][2]int {
	var out [][2]int
	if n <= AllPairsUpTo {
		for j := 1; j < n; j++ {
			for i := 0; i < j; i++ {
				out = append(out, [2]int{i, j})
			}
		}
	} else {
		for i := 0; i+1 < n; i++ {
			out = append(out, [2]int{i, i + 1})
		}
		for i := 0; i+2 < n; i++ {
			out = append(out, [2]int{i, n - 1})
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[1], b[1]), cmp.Compare(a[0], b[0])) })
	return out
}
