package attr

import (
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// article is one stored copy of a page of the text corpus read as
// clauses: one paragraph per non-empty line, under the heading path
// [source id, piece title].
type article struct {
	name    string // "Piece N: …"
	clauses []terms.Clause
}

// loadArticles reads text/<id>.md and returns its pieces. It skips the
// test when the corpus is not there (a fresh clone has no shared folder).
func loadArticles(t *testing.T, id string) []article {
	t.Helper()
	var out []article
	for _, p := range loadPieces(t, id+".md") {
		a := article{name: p.title}
		for line := range strings.SplitSeq(p.text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				a.clauses = append(a.clauses, terms.Clause{Path: []string{id, p.title}, Kind: terms.KindParagraph, Text: line})
			}
		}
		out = append(out, a)
	}
	return out
}

// allClauses joins the clauses of every piece.
func allClauses(pieces []article) []terms.Clause {
	var out []terms.Clause
	for _, p := range pieces {
		out = append(out, p.clauses...)
	}
	return out
}

// hasSentence reports whether one of got contains want.
func hasSentence(got []string, want string) bool {
	return slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, want) })
}

func TestCorpusBAA(t *testing.T) {
	pieces := loadArticles(t, "anthropic-baa")
	for _, p := range pieces {
		t.Run(p.name, func(t *testing.T) {
			// Every stored version offers the BAA; the companion pieces
			// (proxies, the coding tool's docs) mention it only under
			// conditions of their own, which state no offer: never a denial.
			r := onClauses(readBAA)(testLex, p.clauses)
			if r.Value.Scalar == NotAvailable || (p.name[:8] == "Piece 1:" && !r.Value.Equal(terms.Scalar(Available))) {
				t.Fatalf("hipaa-baa = %v, want available (or nothing for a companion piece); sentences: %q", r.Value, r.Sentences)
			}
		})
	}
	t.Run("exclusions recorded", func(t *testing.T) {
		// Piece 2 states that the BAA does not reach services bought through
		// a third-party cloud; piece 4 that the IDE extensions are outside it.
		r := onClauses(readBAA)(testLex, allClauses(pieces))
		for _, want := range []string{"third-party cloud provider", "your BAA doesn't cover them"} {
			if !hasSentence(r.Sentences, want) {
				t.Errorf("sentences lack the exclusion %q: %q", want, r.Sentences)
			}
		}
		if !r.Value.Equal(terms.Scalar(Available)) {
			t.Errorf("hipaa-baa = %v, want available", r.Value)
		}
	})
	t.Run("zdr agreement article", func(t *testing.T) {
		// Every stored version that reaches the BAA paragraph says it is
		// available to qualifying customers.
		for _, p := range loadArticles(t, "anthropic-zdr-agreement") {
			r := onClauses(readBAA)(testLex, p.clauses)
			if strings.Contains(p.name, "Piece 1") || strings.Contains(p.name, "Piece 3") {
				if !r.Value.Equal(terms.Scalar(Available)) {
					t.Errorf("%s: hipaa-baa = %v, want available; %q", p.name, r.Value, r.Sentences)
				}
			} else if !r.Value.Unknown {
				t.Errorf("%s: hipaa-baa = %v, want unknown (the piece never mentions a BAA)", p.name, r.Value)
			}
		}
	})
	t.Run("api page HIPAA readiness", func(t *testing.T) {
		for _, p := range loadArticles(t, "anthropic-api-data-retention") {
			if !strings.Contains(strings.Join(slices.Collect(clauseTexts(p.clauses)), " "), "Business Associate Agreement") {
				continue
			}
			if r := onClauses(readBAA)(testLex, p.clauses); !r.Value.Equal(terms.Scalar(Available)) {
				t.Errorf("%s: hipaa-baa = %v, want available; %q", p.name, r.Value, r.Sentences)
			}
		}
	})
}

func clauseTexts(cs []terms.Clause) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, c := range cs {
			if !yield(c.Text) {
				return
			}
		}
	}
}

func TestCorpusZDR(t *testing.T) {
	for _, id := range []string{"anthropic-api-data-retention", "anthropic-zdr-agreement"} {
		pieces := loadArticles(t, id)
		for _, p := range pieces {
			t.Run(id+"/"+p.name, func(t *testing.T) {
				r := onClauses(readZDR)(testLex, p.clauses)
				if r.Value.Unknown && strings.Contains(p.name, "table rows were not extracted") {
					return // the copy lost the eligibility table that offers it
				}
				if !r.Value.Equal(terms.Scalar(Available)) {
					t.Fatalf("zdr = %v, want available; sentences: %q", r.Value, r.Sentences)
				}
				if len(r.Sentences) == 0 || r.Clause.Text == "" {
					t.Errorf("no evidence: clause %q, sentences %q", r.Clause.Text, r.Sentences)
				}
			})
		}
	}
	t.Run("exclusions recorded", func(t *testing.T) {
		r := onClauses(readZDR)(testLex, loadArticles(t, "anthropic-zdr-agreement")[0].clauses)
		if !hasSentence(r.Sentences, "does not apply to beta products") {
			t.Errorf("sentences lack the beta exclusion: %q", r.Sentences)
		}
		r = onClauses(readZDR)(testLex, loadArticles(t, "anthropic-api-data-retention")[5].clauses)
		if !hasSentence(r.Sentences, "Beta features are excluded from ZDR") {
			t.Errorf("sentences lack the Files API exclusion: %q", r.Sentences)
		}
	})
}

func TestCorpusProcessor(t *testing.T) {
	pieces := loadArticles(t, "azure-foundry-claude-data-privacy")
	cases := []struct {
		piece int
		want  terms.Value
	}{
		{0, terms.Scalar(ProcessorVendor)}, // current article: Anthropic is an independent processor
		{1, terms.Scalar(ProcessorVendor)}, // hosting comparison: "Data processor | Anthropic | Anthropic"
		{2, terms.Scalar(ProcessorVendor)}, // preview article: Anthropic (not Microsoft) is the processor
		{3, terms.UnknownValue("")},        // Anthropic's setup page says nothing about processing
	}
	for _, tc := range cases {
		t.Run(pieces[tc.piece].name, func(t *testing.T) {
			r := onClauses(readProcessor)(testLex, pieces[tc.piece].clauses)
			if !r.Value.Equal(tc.want) {
				t.Fatalf("data-processor = %v, want %v; sentences: %q", r.Value, tc.want, r.Sentences)
			}
		})
	}
	t.Run("whole file", func(t *testing.T) {
		r := onClauses(readProcessor)(testLex, allClauses(pieces))
		if !r.Value.Equal(terms.Scalar(ProcessorVendor)) {
			t.Fatalf("data-processor = %v, want vendor", r.Value)
		}
		// The preview's sentence on Microsoft's own DPA is kept as the
		// dissenting evidence.
		if !hasSentence(r.Sentences, "Microsoft Products and Services Data Protection Addendum") {
			t.Errorf("sentences lack the Microsoft DPA sentence: %q", r.Sentences)
		}
	})
	t.Run("api page leads with the first-party platforms", func(t *testing.T) {
		api := loadArticles(t, "anthropic-api-data-retention")
		for _, i := range []int{1, 2} {
			r := onClauses(readProcessor)(testLex, api[i].clauses)
			if !r.Value.Equal(terms.Scalar(ProcessorVendor)) {
				t.Errorf("%s: data-processor = %v, want vendor", api[i].name, r.Value)
			}
			if !hasSentence(r.Sentences, "the cloud provider is the data processor") {
				t.Errorf("%s: sentences lack the Bedrock exception: %q", api[i].name, r.Sentences)
			}
		}
	})
	t.Run("bedrock data retention keeps data from the model provider", func(t *testing.T) {
		n := 0
		for _, p := range loadArticles(t, "aws-bedrock-data-retention") {
			text := strings.Join(slices.Collect(clauseTexts(p.clauses)), "\n")
			if !strings.Contains(text, "does not receive it") && !strings.Contains(text, "shared with the model provider") {
				continue
			}
			n++
			if r := onClauses(readProcessor)(testLex, p.clauses); !r.Value.Equal(terms.Scalar(ProcessorCloud)) {
				t.Errorf("%s: data-processor = %v, want cloud-provider; %q", p.name, r.Value, r.Sentences)
			}
		}
		if n == 0 {
			t.Error("no piece states that the model provider does not receive the data")
		}
	})
	t.Run("bedrock data protection says nothing about model providers", func(t *testing.T) {
		for _, p := range loadArticles(t, "aws-bedrock-data-protection") {
			if r := onClauses(readProcessor)(testLex, p.clauses); !r.Value.Unknown {
				t.Errorf("%s: data-processor = %v, want unknown", p.name, r.Value)
			}
		}
	})
}

func TestCorpusSecurity(t *testing.T) {
	t.Run("anthropic certifications", func(t *testing.T) {
		r := onClauses(readSecurity)(testLex, allClauses(loadArticles(t, "anthropic-certifications")))
		if want := terms.SetOf("soc2-type2", "iso27001"); !r.Value.Equal(want) {
			t.Fatalf("security = %v, want %v; sentences: %q", r.Value, want, r.Sentences)
		}
	})
	t.Run("bedrock data protection", func(t *testing.T) {
		for _, p := range loadArticles(t, "aws-bedrock-data-protection") {
			// The AWS boilerplate requires TLS 1.2 and names no certification.
			r := onClauses(readSecurity)(testLex, p.clauses)
			if want := terms.SetOf("tls1.2+"); !r.Value.Equal(want) {
				t.Errorf("%s: security = %v, want %v; %q", p.name, r.Value, want, r.Sentences)
			}
		}
	})
}

func TestCorpusOthers(t *testing.T) {
	// Pages that do not speak of an attribute must not invent it.
	for _, tc := range []struct {
		id     string
		reader reader
		name   string
	}{
		{"aws-bedrock-data-protection", readBAA, "hipaa-baa"},
		{"aws-bedrock-data-protection", readZDR, "zdr"},
		{"aws-bedrock-data-protection", readOwnership, "output-ownership"},
		{"anthropic-certifications", readBAA, "hipaa-baa"},
		{"anthropic-certifications", readProcessor, "data-processor"},
	} {
		t.Run(tc.id+"/"+tc.name, func(t *testing.T) {
			if r := onClauses(tc.reader)(testLex, allClauses(loadArticles(t, tc.id))); !r.Value.Unknown {
				t.Errorf("%s = %v, want unknown; %q", tc.name, r.Value, r.Sentences)
			}
		})
	}
}

func TestCorpusRights(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want string
	}{
		{"anthropic-retention-consumer", "delete-conversations"}, // users can delete conversations
		{"anthropic-retention-commercial", "delete-conversations"},
		{"anthropic-training-commercial", "export"}, // the customer may access and export data
	} {
		t.Run(tc.id, func(t *testing.T) {
			r := onClauses(readRights)(testLex, allClauses(loadArticles(t, tc.id)))
			if r.Value.Unknown || !slices.Contains(r.Value.Set, tc.want) {
				t.Errorf("rights = %v, want it to hold %s; %q", r.Value, tc.want, r.Sentences)
			}
		})
	}
}
