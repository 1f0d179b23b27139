package attr

import (
	"fmt"
	"testing"
)

func TestP2Scratch(t *testing.T) {
	for _, id := range []string{"anthropic-baa", "anthropic-zdr-agreement", "anthropic-api-data-retention", "azure-foundry-claude-data-privacy", "anthropic-retention-commercial", "anthropic-training-commercial", "anthropic-training-consumer", "anthropic-retention-consumer", "aws-bedrock-data-retention"} {
		ps := p2loadCorpus(t, id)
		for _, p := range ps {
			fmt.Printf("== %s %s\n", id, p.name)
			for n, r := range map[string]Reading{"baa": ReadBAA(p.clauses), "zdr": ReadZDR(p.clauses), "proc": ReadProcessor(p.clauses), "sec": ReadSecurity(p.clauses), "rights": ReadRights(p.clauses), "own": ReadOwnership(p.clauses)} {
				if r.Value.Unknown {
					continue
				}
				fmt.Printf("  %s = %v\n", n, r.Value)
				for _, s := range r.Sentences {
					fmt.Printf("     | %.160s\n", s)
				}
			}
		}
	}
}
