package demo

import (
	"fmt"
	"os"
	"testing"

	"github.com/clausewatch/clausewatch/internal/extract"
)

func TestScratch(t *testing.T) {
	f := os.Getenv("SCRATCH_FILE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	d, err := extract.Extract(b, extract.Options{Select: []string{os.Getenv("SCRATCH_SEL")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Clauses {
		txt := c.Text
		if len(txt) > 60 {
			txt = txt[:60]
		}
		fmt.Printf("%-10s %q | %s\n", c.Kind, c.Heading(), txt)
	}
}
