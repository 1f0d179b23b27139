package baseline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/clausewatch/clausewatch/internal/inputfile"
)

// TestLoadRefusesIrregularFiles: a baseline that is a named pipe, a link to
// /dev/zero or a file past the cap is an error naming it, never read.
func TestLoadRefusesIrregularFiles(t *testing.T) {
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
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Skip("symlink:", err)
			}
		}, inputfile.ErrNotRegular},
		{"sparse 1 GB file", func(t *testing.T, p string) {
			if err := os.WriteFile(p, []byte(good), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, 1<<30); err != nil {
				t.Skip("truncate:", err)
			}
		}, inputfile.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "baselines"), 0o700); err != nil {
				t.Fatal(err)
			}
			tt.make(t, filepath.Join(dir, "baselines", "acme.yaml"))
			bs, err := Load(os.DirFS(dir), "baselines")
			if !errors.Is(err, ErrRead) || !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v and %v", err, ErrRead, tt.want)
			}
			if !strings.Contains(err.Error(), "baselines/acme.yaml") || bs != nil {
				t.Errorf("Load = %v, %v; want no baselines and an error naming baselines/acme.yaml", bs, err)
			}
		})
	}
}

func TestLoadContextStops(t *testing.T) {
	fsys := fstest.MapFS{"baselines/acme.yaml": {Data: []byte(good)}}
	if bs, err := LoadContext(context.Background(), fsys, "baselines"); err != nil || len(bs) != 1 {
		t.Fatalf("LoadContext = %v, %v; want one baseline", bs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if bs, err := LoadContext(ctx, fsys, "baselines"); !errors.Is(err, context.Canceled) || bs != nil {
		t.Errorf("LoadContext = %v, %v; want nothing and context.Canceled", bs, err)
	}
}
