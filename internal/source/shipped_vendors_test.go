package source

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestShippedEveryVendor checks what every shipped declaration file must
// hold, whatever the vendor: documents with an https URL and at least one
// declared tier, no URL watched twice, every tier spoken for by some
// document and named by the names pages use, and the file named after the
// vendor.
func TestShippedEveryVendor(t *testing.T) {
	vendors, err := Load(clausewatch.Sources())
	if err != nil {
		t.Fatalf("Load(embedded sources):\n%v", err)
	}
	var ids []string
	for _, v := range vendors {
		ids = append(ids, v.ID)
	}
	for _, want := range []string{"anthropic", "google", "microsoft", "mistral", "openai"} {
		if !slices.Contains(ids, want) {
			t.Errorf("no %s vendor among the shipped declarations %v", want, ids)
		}
	}
	for _, v := range vendors {
		t.Run(v.ID, func(t *testing.T) {
			if v.File != "sources/"+v.ID+".yaml" {
				t.Errorf("vendor %s declared in %s, want sources/%s.yaml", v.ID, v.File, v.ID)
			}
			if len(v.Tiers) == 0 || len(v.Sources) == 0 {
				t.Fatalf("%d tiers, %d documents: want both", len(v.Tiers), len(v.Sources))
			}
			spoken := map[string]bool{}
			urls := map[string]string{}
			for _, s := range v.Sources {
				u, err := url.Parse(s.URL)
				if err != nil || u.Scheme != "https" || u.Host == "" {
					t.Errorf("%s: URL %q is not an absolute https URL", s.ID, s.URL)
				}
				if !strings.HasPrefix(s.ID, v.ID+"-") && v.ID != "anthropic" {
					// anthropic's cloud pages (aws-bedrock-…, azure-foundry-…)
					// predate the rule and keep their DESIGN.md ids.
					t.Errorf("source id %s does not start with %s-", s.ID, v.ID)
				}
				key := s.URL + " " + strings.Join(s.Select, ",")
				if other, dup := urls[key]; dup {
					t.Errorf("%s and %s watch the same URL and content %q", other, s.ID, key)
				}
				urls[key] = s.ID
				if len(s.Tiers) == 0 {
					t.Errorf("%s speaks for no tier", s.ID)
				}
				for _, tr := range s.Tiers {
					spoken[tr] = true
				}
			}
			for _, tr := range v.Tiers {
				if !spoken[tr.ID] {
					t.Errorf("tier %s: no document speaks for it", tr.ID)
				}
			}
		})
	}
}

// TestShippedNewVendors checks the google, mistral and microsoft
// declarations: their tiers, in order, with the names the pages write, and
// the URLs of the pages the shared corpus holds (as its MANIFEST.md gives
// them) among their documents.
func TestShippedNewVendors(t *testing.T) {
	vendors, err := Load(clausewatch.Sources())
	if err != nil {
		t.Fatalf("Load(embedded sources):\n%v", err)
	}
	byID := map[string]terms.Vendor{}
	for _, v := range vendors {
		byID[v.ID] = v
	}
	tests := []struct {
		vendor string
		tiers  []string
		names  map[string][]string // tier → names it must declare (among others)
		held   map[string]string   // source → URL of the copy held in the corpus
	}{
		{
			vendor: "google",
			tiers:  []string{"consumer", "workspace", "enterprise-business", "api", "vertex"},
			names: map[string][]string{
				"consumer":            {"personal Google Account"},
				"workspace":           {"Google Workspace", "work or school account"},
				"enterprise-business": {"Gemini Enterprise - Business Edition"},
				"api":                 {"Gemini API"},
				"vertex":              {"Vertex AI"},
			},
			held: map[string]string{
				"google-terms":                            "https://policies.google.com/terms?hl=en-GB&gl=IE",
				"google-generative-ai-terms":              "https://policies.google.com/terms/generative-ai?hl=en-GB&gl=IE",
				"google-generative-ai-use-policy":         "https://policies.google.com/terms/generative-ai/use-policy?hl=en-GB&gl=IE",
				"google-privacy-policy":                   "https://policies.google.com/privacy?hl=en-GB&gl=IE",
				"google-gemini-apps-privacy-hub":          "https://support.google.com/gemini/answer/13594961?hl=en#gemini_apps&zippy=%2Cwhat-are-gemini-apps",
				"google-gemini-enterprise-business-terms": "https://cloud.google.com/terms/gemini-enterprise/business",
			},
		},
		{
			vendor: "mistral",
			tiers:  []string{"consumer", "team", "enterprise", "api", "api-free", "partner-served"},
			names: map[string][]string{
				"consumer":       {"Le Chat Pro", "Le Chat Student", "Vibe Pro", "Vibe Student", "free subscription"},
				"team":           {"Le Chat Team", "Vibe Team"},
				"enterprise":     {"Le Chat Enterprise", "Vibe Enterprise"},
				"api":            {"La Plateforme", "AI Studio"},
				"api-free":       {"Experiment plan", "free subscription"},
				"partner-served": {"Partner Served"},
			},
			held: map[string]string{
				"mistral-consumer-terms":   "https://legal.mistral.ai/terms/eu-consumers-terms-of-service",
				"mistral-commercial-terms": "https://legal.mistral.ai/terms/commercial-terms-of-service",
				"mistral-privacy-policy":   "https://legal.mistral.ai/terms/privacy-policy",
				"mistral-dpa":              "https://legal.mistral.ai/terms/data-processing-addendum",
				"mistral-usage-policy":     "https://legal.mistral.ai/terms/usage-policy",
			},
		},
		{
			vendor: "microsoft",
			tiers:  []string{"consumer", "m365-consumer", "enterprise"},
			names: map[string][]string{
				"consumer":      {"Microsoft Copilot"},
				"m365-consumer": {"Microsoft 365 Personal", "Microsoft 365 Family", "Microsoft 365 Premium"},
				"enterprise":    {"work or school account"},
			},
			held: map[string]string{
				"microsoft-copilot-terms":      "https://www.microsoft.com/en-us/microsoft-copilot/for-individuals/termsofuse",
				"microsoft-services-agreement": "https://www.microsoft.com/en-gb/servicesagreement/",
				"microsoft-privacy-statement":  "https://privacy.microsoft.com/en-ie/privacystatement",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			v, ok := byID[tt.vendor]
			if !ok {
				t.Fatalf("vendor %s is not declared", tt.vendor)
			}
			var tiers []string
			for _, tr := range v.Tiers {
				tiers = append(tiers, tr.ID)
				for _, name := range tt.names[tr.ID] {
					if !slices.ContainsFunc(tr.Names, func(n string) bool { return strings.EqualFold(n, name) }) {
						t.Errorf("tier %s: names %q lack %q", tr.ID, tr.Names, name)
					}
				}
			}
			if !slices.Equal(tiers, tt.tiers) {
				t.Errorf("tiers = %v, want %v", tiers, tt.tiers)
			}
			for id, u := range tt.held {
				_, s, ok := Find(vendors, id)
				switch {
				case !ok:
					t.Errorf("source %s (held in the corpus) is not declared", id)
				case s.Vendor != tt.vendor:
					t.Errorf("source %s belongs to %s, want %s", id, s.Vendor, tt.vendor)
				case s.URL != u:
					t.Errorf("source %s URL = %q, want %q (the held copy's)", id, s.URL, u)
				case len(s.Select) == 0:
					t.Errorf("source %s declares no select: the whole page would be read", id)
				}
			}
			if len(v.Sources) <= len(tt.held) {
				t.Errorf("%d documents: want the held pages and the public retention, training, data-protection and certification pages besides", len(v.Sources))
			}
		})
	}
}
