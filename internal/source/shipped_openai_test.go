package source

import (
	"slices"
	"testing"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestShippedOpenAI checks the openai declarations: tiers, the documents
// and their URLs, browser rendering and the regional variants.
func TestShippedOpenAI(t *testing.T) {
	vendors, err := Load(clausewatch.Sources())
	if err != nil {
		t.Fatalf("Load(embedded sources):\n%v", err)
	}
	v, _, ok := Find(vendors, "openai-terms-of-use")
	if !ok || v.ID != "openai" || v.File != "sources/openai.yaml" {
		t.Fatalf("Find(openai-terms-of-use) = vendor %q in %q, %v", v.ID, v.File, ok)
	}
	wantTiers := []terms.Tier{
		{ID: "consumer", Label: "ChatGPT Free, Plus, Pro"},
		{ID: "team", Label: "ChatGPT Business (formerly Team)"},
		{ID: "enterprise", Label: "ChatGPT Enterprise and Edu"},
		{ID: "api", Label: "API platform"},
		{ID: "api-zdr", Label: "API with zero data retention"},
	}
	if !slices.EqualFunc(v.Tiers, wantTiers, func(a, b terms.Tier) bool { return a.ID == b.ID && a.Label == b.Label }) {
		t.Errorf("openai tiers = %v, want %v", v.Tiers, wantTiers)
	}
	urls := map[string]string{
		"openai-terms-of-use":       "https://openai.com/policies/eu-terms-of-use/",
		"openai-privacy-policy":     "https://openai.com/policies/eu-privacy-policy/",
		"openai-model-improvement":  "https://openai.com/policies/how-your-data-is-used-to-improve-model-performance/",
		"openai-enterprise-privacy": "https://openai.com/enterprise-privacy/",
		"openai-services-agreement": "https://openai.com/policies/services-agreement/",
		"openai-service-terms":      "https://openai.com/policies/service-terms/",
		"openai-dpa":                "https://openai.com/policies/data-processing-addendum/",
		"openai-api-data-controls":  "https://platform.openai.com/docs/guides/your-data",
	}
	if len(v.Sources) != len(urls) {
		t.Errorf("openai declares %d sources, want %d", len(v.Sources), len(urls))
	}
	regional := map[string]bool{"openai-terms-of-use": true, "openai-privacy-policy": true}
	for id, url := range urls {
		t.Run(id, func(t *testing.T) {
			_, s, ok := Find(vendors, id)
			if !ok {
				t.Fatalf("source %s is not declared", id)
			}
			if s.URL != url {
				t.Errorf("URL = %q, want %q", s.URL, url)
			}
			if s.Render != terms.RenderBrowser || !slices.Contains(s.Select, "main") {
				t.Errorf("render %q, select %v; want browser rendering of main", s.Render, s.Select)
			}
			if s.Headers["Accept-Language"] != "en-US" {
				t.Errorf("headers = %v, want Accept-Language en-US", s.Headers)
			}
			var ids []string
			for _, vr := range s.Variants {
				ids = append(ids, vr.ID)
			}
			switch {
			case regional[id] && !slices.Equal(ids, []string{"eea", "row"}):
				t.Errorf("variants = %v, want [eea row]", ids)
			case !regional[id] && len(ids) > 0:
				t.Errorf("variants = %v, want none (the page is the same everywhere)", ids)
			}
		})
	}
	for _, tier := range []string{"consumer", "team", "enterprise", "api", "api-zdr"} {
		if !slices.ContainsFunc(v.Sources, func(s terms.Source) bool { return slices.Contains(s.Tiers, tier) }) {
			t.Errorf("no page speaks for tier %s", tier)
		}
	}
}
