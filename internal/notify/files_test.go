package notify

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clausewatch/clausewatch/internal/inputfile"
)

// TestLoadConfigRefusesPipe: mail settings that are a named pipe are one
// error naming the file, not a blocked run.
func TestLoadConfigRefusesPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify.yaml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	_, err := LoadConfig(path, LoadOptions{})
	if !errors.Is(err, ErrRead) || !errors.Is(err, inputfile.ErrNotRegular) || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadConfig = %v; want ErrRead, not a regular file, naming %s", err, path)
	}
}
