package attr

import "testing"

// TestContractionsReadAsFullForms: a sentence with contractions reads as
// the same sentence written out (normalize spells them out): the same
// value from every reader, and the one the full form gives.
func TestContractionsReadAsFullForms(t *testing.T) {
	pairs := []struct {
		name string
		read reader
		a, b string
	}{
		{"own", readOwnership, "You will own the output you generate with the API.", "You'll own the output you generate with the API."},
		{"own2", readOwnership, "You retain all rights to your inputs and you own the outputs.", "You retain all rights to your inputs and you're the owner of the outputs."},
		{"train", readTraining, "We will not use your chats to train our models.", "We won't use your chats to train our models."},
		{"train2", readTraining, "We do not use your chats to train our models.", "We don't use your chats to train our models."},
		{"train3", readTraining, "You are opted out of model training by default.", "You're opted out of model training by default."},
		{"train4", readTraining, "If you have turned off training, we will not use your chats to train our models.", "If you've turned off training, we won't use your chats to train our models."},
		{"ret", readRetention, "We will delete your chats after 30 days.", "We'll delete your chats after 30 days."},
		{"ret2", readRetention, "When you delete a chat, it is removed from our systems within 30 days.", "When you delete a chat, it's removed from our systems within 30 days."},
		{"baa", readBAA, "We will sign a BAA with eligible API customers.", "We'll sign a BAA with eligible API customers."},
		{"baa2", readBAA, "We are not able to sign a BAA for the free plan.", "We aren't able to sign a BAA for the free plan."},
		{"baa3", readBAA, "We do not sign BAAs.", "We don't sign BAAs."},
		{"rights2", readRights, "You are in control: delete any thread and export your archive.", "You're in control: delete any thread and export your archive."},
		{"zdr", readZDR, "You are able to request zero data retention for the API.", "You're able to request zero data retention for the API."},
		{"proc", readProcessor, "We act as a processor of your customer data.", "We're a processor of your customer data."},
		{"proc2", readProcessor, "We are the controller of your account data.", "We're the controller of your account data."},
		{"sec", readSecurity, "We are SOC 2 Type II certified.", "We're SOC 2 Type II certified."},
		{"rights", readRights, "You will be able to export your data.", "You'll be able to export your data."},
	}
	for _, p := range pairs {
		ra := onClauses(p.read)(lexFor(""), sectionClauses(p.a))
		rb := onClauses(p.read)(lexFor(""), sectionClauses(p.b))
		if !ra.Value.Equal(rb.Value) {
			t.Errorf("%s: %q reads %v, but written out (%q) %v", p.name, p.b, rb.Value, p.a, ra.Value)
		}
	}
}
