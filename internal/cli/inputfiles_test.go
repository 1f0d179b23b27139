package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// TestImportRefusesIrregularFiles: import FILE refuses a named pipe, a link
// to /dev/zero, a directory and a file past the fetch body cap, naming the
// file (and the cap), with exit 1 and nothing recorded.
func TestImportRefusesIrregularFiles(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		msg  string
	}{
		{"named pipe", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skip("mkfifo:", err)
			}
		}, "not a regular file (a named pipe)"},
		{"link to /dev/zero", func(t *testing.T, p string) {
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Skip("symlink:", err)
			}
		}, "not a regular file (a character device)"},
		{"directory", func(t *testing.T, p string) {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a directory)"},
		{"sparse 1 GB file", func(t *testing.T, p string) {
			if err := os.WriteFile(p, fixture.ConsumerTerms(fixture.TrainingNever).HTML(), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, 1<<30); err != nil {
				t.Skip("truncate:", err)
			}
		}, "1073741824 bytes, the limit is 10485760 (a fetched page's cap"},
	}
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := filepath.Join(t.TempDir(), "page.html")
			tt.make(t, page)
			_, errs, code := r.run("import", "--source", "example-terms", "--fetched-at", "2025-01-01T00:00:00Z", page)
			if code != 1 || !strings.Contains(errs, page) || !strings.Contains(errs, tt.msg) {
				t.Errorf("exit %d, stderr %q; want 1 naming %s and %q", code, errs, page, tt.msg)
			}
			if _, err := os.Stat(r.db); err == nil {
				if n, _ := counts(t, r.db, "example-terms"); n != 0 {
					t.Errorf("%d snapshots recorded, want none", n)
				}
			}
		})
	}
}

// TestSourcesDirRefusesPipe: a declaration that is a named pipe fails the
// command at once, naming the file, instead of blocking it.
func TestSourcesDirRefusesPipe(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	fifo := filepath.Join(r.sources, "zz.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	_, errs, code := r.run("sources")
	if code != 1 || !strings.Contains(errs, fifo) || !strings.Contains(errs, "not a regular file (a named pipe)") {
		t.Errorf("exit %d, stderr %q; want 1 naming %s as a named pipe", code, errs, fifo)
	}
}

// TestTryRefusesPipe: try FILE reads a saved page as import does.
func TestTryRefusesPipe(t *testing.T) {
	_, srv := newSite(t)
	r := newRunner(t, srv, "/terms")
	fifo := filepath.Join(t.TempDir(), "page.html")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	_, errs, code := r.run("try", "--source", "example-terms", fifo)
	if code != 1 || !strings.Contains(errs, fifo) || !strings.Contains(errs, "not a regular file (a named pipe)") {
		t.Errorf("exit %d, stderr %q; want 1 naming %s as a named pipe", code, errs, fifo)
	}
}
