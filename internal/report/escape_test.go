package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// hostile is page text that tries to restyle a terminal, inject markup
// and break a markdown line.
const hostile = "Kept \x1b[2J30 days <img src=x onerror=alert(1)> *now*\n# heading | cell"

func hostileEvent() terms.Event {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	return terms.Event{ID: "c-000001", Kind: terms.ClauseChanged, Severity: terms.Low, Vendor: "example",
		Tier: "consumer", Attribute: "retention", Source: "example-terms", SnapshotAt: at, DetectedAt: at,
		After: &terms.Side{Clause: "Retention \x1b]0;pwned\a", Text: hostile}}
}

// TestPageTextEscaped checks that every format shows hostile page text as
// text: no control character reaches a terminal, no tag or markdown
// structure reaches markdown or HTML.
func TestPageTextEscaped(t *testing.T) {
	evs := []terms.Event{hostileEvent()}
	var text, md, html bytes.Buffer
	if err := Text(&text, evs, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, evs, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&html, evs, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(text.String(), "\x1b\a") {
		t.Errorf("text report passes control characters:\n%q", text.String())
	}
	if !strings.Contains(md.String(), `\<img src=x onerror=alert(1)\> \*now\* \# heading \| cell`) {
		t.Errorf("markdown report does not escape the page text:\n%s", md.String())
	}
	if strings.Contains(html.String(), "<img") || strings.ContainsAny(html.String(), "\x1b\a") {
		t.Errorf("HTML report passes markup or control characters:\n%q", html.String())
	}
	rows := []Row{{Vendor: "example", Tier: "consumer", Attribute: "retention",
		Evidence: &terms.Evidence{Source: "example-terms", Clause: "Retention \x1b[2J", Text: hostile}}}
	var st, smd bytes.Buffer
	if err := StatusText(&st, rows); err != nil {
		t.Fatal(err)
	}
	if err := StatusMarkdown(&smd, rows); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(st.String(), "\x1b\a") {
		t.Errorf("status text passes control characters:\n%q", st.String())
	}
	if lines := strings.Count(smd.String(), "\n"); lines != 3 {
		t.Errorf("status markdown is %d lines, want 3 (a line break in page text must not split a row):\n%s", lines, smd.String())
	}
}
