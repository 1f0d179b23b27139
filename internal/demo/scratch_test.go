package demo

import (
	"fmt"
	"testing"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/attr"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestScratch(t *testing.T) {
	vs, err := source.Load(clausewatch.Sources())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []State{Initial(), {ConsumerTraining: TrainingAlways, CommercialRetentionDays: 60, EnterpriseBAA: false, Epoch: 3}} {
		pages := Pages(st)
		for _, v := range vs {
			for _, s := range v.Sources {
				p, ok := pages[s.ID]
				if !ok {
					fmt.Println("MISSING", s.ID)
					continue
				}
				d, err := extract.Extract(p.HTML(Noise{Seed: 7, Epoch: st.Epoch}), extract.Options{Select: s.Select, Remove: s.Remove})
				if err != nil {
					fmt.Println("ERR", s.ID, err)
					continue
				}
				for _, o := range attr.Observe(v, s, d, terms.Snapshot{}) {
					val := o.Value.String()
					if o.Value.Unknown {
						val += " (" + o.Value.Reason + ")"
					}
					fmt.Printf("%-34s %-14s %-16s %s\n", s.ID, o.Tier, o.Attribute, val)
				}
			}
		}
		fmt.Println("-----")
	}
}
