package main

import (
	"fmt"
	"os"

	"github.com/clausewatch/clausewatch/internal/extract"
)

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	d, err := extract.Extract(b, extract.Options{Select: []string{"main"}, Remove: []string{`select[name="Locale Select"]`, "main .sr-only"}})
	if err != nil {
		fmt.Println("ERR", err)
		return
	}
	fmt.Println("TITLE", d.Title)
	for _, c := range d.Clauses {
		fmt.Printf("[%s] %s | %s\n", c.Kind, c.Heading(), c.Text)
	}
}
