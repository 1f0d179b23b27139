package diff

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// The JSON form of an alignment (`diff --format json`): lower-case keys and
// operations as words.
func TestChangeJSON(t *testing.T) {
	before := []terms.Clause{
		{Path: []string{"Data", "Retention"}, Kind: terms.KindParagraph, Text: "Logs are kept for 30 days."},
		{Path: []string{"Data", "Old"}, Kind: terms.KindParagraph, Text: "Gone."},
	}
	after := []terms.Clause{
		{Path: []string{"Data", "Retention"}, Kind: terms.KindParagraph, Text: "Logs are kept for 29 days."},
	}
	cs := Clauses(before, after)
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"changed",` +
		`"before":{"path":["Data","Retention"],"kind":"paragraph","text":"Logs are kept for 30 days."},` +
		`"after":{"path":["Data","Retention"],"kind":"paragraph","text":"Logs are kept for 29 days."},` +
		`"before_index":0,"after_index":0,` +
		`"words":[{"op":"equal","text":"Logs are kept for "},{"op":"delete","text":"30"},{"op":"insert","text":"29"},{"op":"equal","text":" days."}]},` +
		`{"op":"removed","before":{"path":["Data","Old"],"kind":"paragraph","text":"Gone."},"after":null,"before_index":1,"after_index":-1}]`
	if string(b) != want {
		t.Errorf("JSON of the changes:\n%s\nwant:\n%s", b, want)
	}
	var back []Change
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(cs, back); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}

	s, err := json.Marshal(Summarize(cs))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"unchanged":0,"changed":1,"added":0,"removed":1,"moved":0}`; string(s) != want {
		t.Errorf("JSON of the summary = %s, want %s", s, want)
	}
}

func TestSegOpText(t *testing.T) {
	if _, err := json.Marshal(Segment{Op: SegOp(7), Text: "x"}); err == nil || !strings.Contains(err.Error(), "7") {
		t.Errorf("Marshal of an unknown operation: error %v, want one naming it", err)
	}
	var seg Segment
	if err := json.Unmarshal([]byte(`{"op":"replace","text":"x"}`), &seg); err == nil {
		t.Errorf("Unmarshal of an unknown operation = %+v, want an error", seg)
	}
	if err := json.Unmarshal([]byte(`{"op":1,"text":"x"}`), &seg); err == nil {
		t.Errorf("Unmarshal of a numeric operation = %+v, want an error", seg)
	}
}
