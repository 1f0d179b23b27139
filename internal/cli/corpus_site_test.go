package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/cli"
)

// TestCorpusSite writes the site of the real pages we hold: every cell of
// status is one cell of the grid, and every cell read from a page links
// that page at its sentence.
func TestCorpusSite(t *testing.T) {
	r := importCorpus(t)
	out := filepath.Join(t.TempDir(), "public")
	if _, errs, code := r.run("site", "--out", out); code != cli.ExitOK {
		t.Fatalf("site: exit %d\n%s", code, errs)
	}
	js, _, code := r.run("status", "--format", "json")
	if code != cli.ExitOK {
		t.Fatalf("status: exit %d", code)
	}
	var rows []struct {
		Vendor, Tier, Attribute string
		Evidence                *struct{ Source string }
	}
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		t.Fatal(err)
	}
	index := readFile(t, filepath.Join(out, "index.html"))
	if n := strings.Count(index, `<td class="cell a-`); n != len(rows) {
		t.Errorf("the grid has %d cells, status %d", n, len(rows))
	}
	linked := 0
	for _, row := range rows {
		id := `id="cell-` + row.Vendor + "-" + row.Tier + "-" + row.Attribute + `"`
		i := strings.Index(index, id)
		if i < 0 {
			t.Errorf("no grid cell %s", id)
			continue
		}
		cell, _, _ := strings.Cut(index[i:], "</td>")
		if row.Evidence != nil && row.Evidence.Source != "" {
			if !strings.Contains(cell, `class="page-link" href="https://`) || !strings.Contains(cell, "#:~:text=") {
				t.Errorf("cell %s/%s/%s has evidence from %s but no link to its sentence", row.Vendor, row.Tier, row.Attribute, row.Evidence.Source)
			}
			linked++
		}
	}
	if linked == 0 {
		t.Errorf("no cell of the real pages has evidence")
	}
}
