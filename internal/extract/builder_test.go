package extract

import (
	"strings"
	"testing"
)

func TestLeadIn(t *testing.T) {
	b := func(s string) run { return run{text: s, bold: true} }
	p := func(s string) run { return run{text: s} }
	gap := run{gap: true}
	tests := []struct {
		name     string
		runs     []run
		lead     string
		rest     string
		boldOnly bool
	}{
		{"no runs", nil, "", "", false},
		{"blank runs only", []run{p(" "), p("\u00a0")}, "", "", false},
		{"plain text", []run{p("Plain text")}, "", "", false},
		{"lead-in after blank text", []run{p(" "), b("Training."), p(" We do not train.")}, "Training.", "We do not train.", false},
		{"lead-in ending with a colon", []run{b("Note:"), p(" text")}, "Note:", "text", false},
		{"period after the bold text", []run{b("Fees"), p(". Pay now.")}, "Fees", "Pay now.", false},
		{"colon after the bold text", []run{b("Fees"), p(": Pay now.")}, "Fees", "Pay now.", false},
		{"period after a gap", []run{b("Fees"), gap, p(". Pay.")}, "Fees", "Pay.", false},
		{"bold text later in the rest", []run{b("Fees."), p(" Pay "), b("now"), p(".")}, "Fees.", "Pay now.", false},
		{"no closing punctuation", []run{b("Note"), p(" some text")}, "", "", false},
		{"not one phrase", []run{b("This is one. And another."), p(" rest")}, "", "", false},
		{"too long", []run{b(strings.Repeat("word ", 30) + "end."), p(" rest")}, "", "", false},
		{"section number before the lead-in", []run{p("A.1. "), b("Overview."), p(" Text.")}, "A.1. Overview.", "Text.", false},
		{"blank between number and lead-in", []run{p("6."), p(" "), b("Fees."), p(" Pay.")}, "6. Fees.", "Pay.", false},
		{"section number alone", []run{p("6.")}, "", "", false},
		{"section number before plain text", []run{p("6."), p(" "), p("Text")}, "", "", false},
		{"blank between bold runs", []run{b("Data"), p(" "), b("Use."), p(" Rest.")}, "Data Use.", "Rest.", false},
		{"gap between bold runs", []run{b("Data"), gap, b("Use."), p(" Rest.")}, "DataUse.", "Rest.", false},
		{"bold only", []run{b("Heading")}, "Heading", "", true},
		{"bold then blank", []run{b("Heading"), p(" ")}, "Heading", "", true},
		{"bold then a colon", []run{b("Exceptions"), p(":")}, "Exceptions", "", true},
		{"bold then a period", []run{b("Fees"), p(".")}, "Fees", "", true},
		{"numbered bold only", []run{p("A.1."), p(" "), b("Overview")}, "A.1. Overview", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lead, rest, boldOnly := leadIn(tt.runs)
			if lead != tt.lead || rest != tt.rest || boldOnly != tt.boldOnly {
				t.Errorf("leadIn = %q, %q, %v; want %q, %q, %v", lead, rest, boldOnly, tt.lead, tt.rest, tt.boldOnly)
			}
		})
	}
}
