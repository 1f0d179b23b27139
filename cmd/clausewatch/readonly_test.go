package main_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

// nobody is the user the read-only test runs the commands as when it runs
// as root, for whom file modes do not apply.
const nobody = 65534

// asReader runs the binary as a user who may read, not write, the
// database: the test's own user, or nobody when that is root.
func asReader(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	return cmd
}

// openUp gives path mode and lets every user reach it: t.TempDir's
// directories are private.
func openUp(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Clean(os.TempDir())
	for dir := filepath.Dir(path); strings.HasPrefix(dir, tmp+string(filepath.Separator)); dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, fi.Mode().Perm()|0o055); err != nil {
			t.Fatal(err)
		}
	}
}

// A database that may only be read (a file nobody may write, in a
// directory nobody may write) still answers the read commands, and they
// create nothing beside it.
func TestReadCommandsOnAReadOnlyDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	openUp(t, filepath.Dir(bin), 0o755)
	openUp(t, bin, 0o755)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(fixture.ConsumerTerms(fixture.TrainingNever).HTML())
	}))
	defer srv.Close()
	decls := decl(t, srv.URL, 1)
	openUp(t, decls, 0o755)
	openUp(t, filepath.Join(decls, "example.yaml"), 0o644)

	for _, tc := range []struct {
		name    string
		dirMode os.FileMode
	}{
		{"read-only directory", 0o555},
		{"writable directory", 0o777},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "db")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			dbPath := filepath.Join(dir, "cw.db")
			out, err := exec.Command(bin, "--db", dbPath, "--sources", decls, "check", "--host-delay", "0", "--retries", "0").CombinedOutput()
			if code := exitCode(err); code != 0 {
				t.Fatalf("check: exit %d\n%s", code, out)
			}
			openUp(t, dbPath, 0o444)
			openUp(t, dir, tc.dirMode)
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			before := names(t, dir)

			for _, args := range [][]string{{"status"}, {"status", "--format", "json"}, {"changes"}, {"history", "example-p0"}} {
				cmd := asReader(bin, append([]string{"--db", dbPath, "--sources", decls}, args...)...)
				out, err := cmd.CombinedOutput()
				if code := exitCode(err); code != 0 {
					t.Errorf("%s on a read-only database: exit %d\n%s", strings.Join(args, " "), code, out)
				}
			}
			if tc.dirMode == 0o555 {
				if after := names(t, dir); !slices.Equal(before, after) {
					t.Errorf("the read commands created files: %v, then %v", before, after)
				}
			}
			// A writing command says why it cannot write.
			cmd := asReader(bin, "--db", dbPath, "--sources", decls, "check", "--host-delay", "0", "--retries", "0")
			if out, err := cmd.CombinedOutput(); exitCode(err) != 1 {
				t.Errorf("check on a read-only database: exit %d, want 1\n%s", exitCode(err), out)
			}
		})
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}
