package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clausewatch/clausewatch/internal/inputfile"
)

// TestLoadDirRefusesIrregularFiles: a declaration that is a named pipe, a
// link to a device, a directory or a file past the cap is one error naming
// the file, and it is never read (a pipe would block the load, /dev/zero or
// a huge file exhaust memory).
func TestLoadDirRefusesIrregularFiles(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		want error
	}{
		{"named pipe", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skip("mkfifo:", err)
			}
		}, inputfile.ErrNotRegular},
		{"link to /dev/zero", func(t *testing.T, p string) {
			if _, err := os.Stat("/dev/zero"); err != nil {
				t.Skip("no /dev/zero")
			}
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Skip("symlink:", err)
			}
		}, inputfile.ErrNotRegular},
		{"directory", func(t *testing.T, p string) {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
		}, inputfile.ErrNotRegular},
		{"sparse 1 GB file", func(t *testing.T, p string) {
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString(valid); err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(1 << 30); err != nil {
				t.Skip("truncate:", err)
			}
		}, inputfile.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(valid), 0o600); err != nil {
				t.Fatal(err)
			}
			bad := filepath.Join(dir, "bee.yaml")
			tt.make(t, bad)
			vendors, err := LoadDir(dir)
			if !errors.Is(err, ErrRead) || !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v and %v", err, ErrRead, tt.want)
			}
			if !strings.Contains(err.Error(), bad) {
				t.Errorf("err = %v, want it to name %s", err, bad)
			}
			if vendors != nil {
				t.Errorf("vendors = %v, want none on error", vendors)
			}
		})
	}
}

func TestLoadDirContextStops(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(valid), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDirContext(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if vendors, err := LoadDirContext(ctx, dir); !errors.Is(err, context.Canceled) || vendors != nil {
		t.Errorf("LoadDirContext = %v, %v; want nothing and context.Canceled", vendors, err)
	}
}
