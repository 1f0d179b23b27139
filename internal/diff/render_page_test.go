package diff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestRenderHTMLPageStandsAlone(t *testing.T) {
	before := []terms.Clause{{Path: []string{"Terms", "Use of content"}, Text: "We never use your chats to train models."}}
	after := []terms.Clause{{Path: []string{"Terms", "Use of content"}, Text: "We use your chats to train models unless you opt out."}}
	cs := Clauses(before, after)
	var b bytes.Buffer
	if err := RenderHTMLPage(&b, "lumen-terms: snapshot 1 → 2 <x>", Summarize(cs).String(), cs); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<!DOCTYPE html>", "<style>", "<title>lumen-terms: snapshot 1 → 2 &lt;x&gt;</title>", "1 changed", "<del>", "<ins>", "</body></html>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	for _, bad := range []string{"http://", "https://", "<script", "<link"} {
		if strings.Contains(page, bad) {
			t.Errorf("page loads or links %q", bad)
		}
	}
}
