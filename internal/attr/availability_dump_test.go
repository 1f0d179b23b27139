package attr

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestDumpPieces prints, with CLAUSEWATCH_PIECES=attribute, what every
// stored piece of every real page states for the attribute, read with
// the shipped declarations without their rules (CLAUSEWATCH_RULES=1 keeps
// them). It asserts nothing.
func TestDumpPieces(t *testing.T) {
	only := os.Getenv("CLAUSEWATCH_PIECES")
	if only == "" {
		t.Skip("set CLAUSEWATCH_PIECES=attribute")
	}
	vendors, err := source.LoadDir("../../sources")
	if err != nil {
		t.Fatal(err)
	}
	html := map[string]string{
		"anthropic-consumer-terms":   "Claude.ai/Terms of Service.html",
		"anthropic-privacy-policy":   "Claude.ai/Privacy Policy #legal-privacy.html",
		"anthropic-commercial-terms": "Claude.ai/Commercial Terms.html",
		"anthropic-dpa":              "Claude.ai/Data Processor Agreement #legal-data-processing-addendum.html",
		"anthropic-usage-policy":     "Claude.ai/Acceptable Use Policy #legal-aup.html",
		"openai-terms-of-use":        "ChatGPT/Terms of Service #policies-eu-terms-of-use.html",
		"openai-privacy-policy":      "ChatGPT/Privacy Policy #policies-eu-privacy-policy.html",
		"openai-model-improvement":   "ChatGPT/Privacy Policy #policies-how-your-data-is-used-to-improve-model-performance.html",
		"openai-enterprise-privacy":  "ChatGPT/Business Privacy Policy.html",
		"openai-services-agreement":  "ChatGPT/Commercial Terms.html",
		"openai-service-terms":       "ChatGPT/Terms of Service #policies-service-terms.html",
		"openai-dpa":                 "ChatGPT/Data Processor Agreement.html",
	}
	root := "../../../shared/corpus"
	pieceRe := regexp.MustCompile(`(?s)\n## Piece (\d+)[^\n]*\n.*?~~~~text\n(.*?)\n~~~~`)
	var lines []string
	for _, v := range vendors {
		if os.Getenv("CLAUSEWATCH_RULES") == "" {
			v.Rules = nil
		}
		for _, src := range v.Sources {
			var docs []terms.Document
			var names []string
			if f, ok := html[src.ID]; ok {
				b, err := os.ReadFile(filepath.Join(root, "latest", f))
				if err != nil {
					t.Fatal(err)
				}
				d, err := extract.Extract(b, extract.Options{Select: src.Select, Remove: src.Remove})
				if err != nil {
					t.Logf("%s: %v", src.ID, err)
					continue
				}
				docs, names = append(docs, d.Document), append(names, "html")
			}
			if b, err := os.ReadFile(filepath.Join(root, "text", src.ID+".md")); err == nil {
				for _, m := range pieceRe.FindAllStringSubmatch(string(b), -1) {
					docs, names = append(docs, extract.ExtractText(m[2])), append(names, "p"+m[1])
				}
			}
			for i, d := range docs {
				for _, o := range Observe(v, src, d, terms.Snapshot{}) {
					if o.Attribute != only || o.Value.Unknown {
						continue
					}
					named := ""
					if o.Evidence.Named {
						named = " (named)"
					}
					lines = append(lines, fmt.Sprintf("%s %s/%s %s = %s%s\n    [%s] %s", v.ID, src.ID, names[i], o.Tier, o.Value, named, o.Evidence.Clause, o.Evidence.Text))
				}
			}
		}
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
}
