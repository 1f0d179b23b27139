package extract

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var dumpFile = flag.String("dump", "", "")
var dumpSel = flag.String("sel", "main", "")
var dumpRem = flag.String("rem", "", "")

func TestDump(t *testing.T) {
	if *dumpFile == "" {
		t.Skip()
	}
	b, err := os.ReadFile(*dumpFile)
	if err != nil {
		t.Fatal(err)
	}
	var rem []string
	if *dumpRem != "" {
		rem = strings.Split(*dumpRem, ";")
	}
	d, err := Extract(b, Options{Select: []string{*dumpSel}, Remove: rem})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("TITLE", d.Title, len(d.Clauses))
	for _, c := range d.Clauses {
		tx := c.Text
		if len(tx) > 110 {
			tx = tx[:110]
		}
		fmt.Printf("[%s] %s | %s\n", c.Kind, c.Heading(), tx)
	}
}

var dumpText = flag.String("dumptext", "", "")

func TestDumpText(t *testing.T) {
	if *dumpText == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(*dumpText)
	parts := strings.Split(string(b), "~~~~text\n")
	for _, p := range parts[1:] {
		p = p[:strings.Index(p, "\n~~~~")]
		d := ExtractText(p)
		fmt.Println("=== TITLE", d.Title, len(d.Clauses))
		for _, c := range d.Clauses {
			tx := c.Text
			if len(tx) > 90 {
				tx = tx[:90]
			}
			fmt.Printf("[%s] %s | %s\n", c.Kind, c.Heading(), tx)
		}
	}
}
