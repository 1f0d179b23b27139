package attr

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestReadSecurity(t *testing.T) {
	set := terms.SetOf
	none := terms.Value{Set: []string{}}
	unknown := terms.UnknownValue("x")
	runReaderCases(t, readSecurity, []readerCase{
		{name: "soc 2 type ii", clauses: []string{"We hold a SOC 2 Type II attestation."}, want: set("soc2-type2")},
		{name: "soc2 type 2", clauses: []string{"Our SOC2 Type 2 audit is renewed every year."}, want: set("soc2-type2")},
		{name: "soc 2 type 2 report openai style", clauses: []string{"Customers can request our SOC 2 Type 2 report from the trust portal."}, want: set("soc2-type2")},
		{name: "type ii soc 2 reversed", clauses: []string{"An independent auditor issued a Type II SOC 2 report."}, want: set("soc2-type2")},
		{name: "soc 2 type i is not type ii", clauses: []string{"We completed a SOC 2 Type I audit."}, want: none},
		{name: "iso iec 27001 2022", clauses: []string{"The platform is certified to ISO/IEC 27001:2022."}, want: set("iso27001")},
		{name: "iso 27001", clauses: []string{"We maintain ISO 27001 certification."}, want: set("iso27001")},
		{name: "iso 42001", clauses: []string{"We were among the first labs certified under ISO/IEC 42001."}, want: set("iso42001")},
		{name: "fedramp high", clauses: []string{"The government region holds a FedRAMP High authorization."}, want: set("fedramp-high")},
		{name: "fedramp moderate is not high", clauses: []string{"The service has FedRAMP Moderate authorization."}, want: none},
		{name: "hitrust", clauses: []string{"Our data centers are HITRUST certified."}, want: set("hitrust")},
		{name: "pci dss", clauses: []string{"Payments are handled in a PCI DSS compliant environment."}, want: set("pci-dss")},
		{name: "dod il2", clauses: []string{"The service is authorized at DoD IL2."}, want: set("dod-il2")},
		{name: "impact level 2", clauses: []string{"It meets Impact Level 2 requirements for defense workloads."}, want: set("dod-il2")},
		{name: "sso", clauses: []string{"Enterprise includes single sign-on (SSO) with your identity provider."}, want: set("sso")},
		{name: "scim and rbac", clauses: []string{"Admins get SCIM provisioning and role-based access controls."}, want: set("scim", "rbac")},
		{name: "audit logs", clauses: []string{"Owners can review audit logs for every workspace."}, want: set("audit-logs")},
		{name: "tls 1.2 or higher and aes-256", clauses: []string{"Data is encrypted in transit with TLS 1.2 or higher and at rest with AES-256."}, want: set("tls1.2+", "aes-256")},
		{name: "tls 1.2+", clauses: []string{"All traffic uses TLS 1.2+."}, want: set("tls1.2+")},
		{name: "tls1.2+ written without a space", clauses: []string{"Data in transit over public networks is protected with TLS1.2+ and data at rest with AES-256."}, want: set("tls1.2+", "aes-256")},
		{name: "tlsv1.3", clauses: []string{"Connections use TLSv1.3 where the browser supports it."}, want: set("tls1.2+")},
		{name: "no tls below 1.2", clauses: []string{"We do not accept TLS versions below 1.2."}, want: set("tls1.2+")},
		{name: "long list", clauses: []string{"The cloud platform holds SOC 2 Type II, ISO 27001, FedRAMP High, HITRUST and PCI DSS."}, want: set("soc2-type2", "iso27001", "fedramp-high", "hitrust", "pci-dss")},
		{name: "no longer soc 2", clauses: []string{"We are no longer SOC 2 certified."}, want: none, evidence: "no longer SOC 2"},
		{name: "sso not available on this plan", clauses: []string{
			"Single sign-on and audit logs come with the Enterprise plan.",
			"SSO is not available on this plan.",
		}, want: set("audit-logs"), evidence: "SSO is not available"},
		{name: "but splits negation", clauses: []string{"SSO is included, but SCIM is not offered on Team."}, want: set("sso")},
		{name: "lacks audit logs", clauses: []string{"Consumer plans lack the audit logs found in business plans."}, want: none},
		{name: "dropped certification", clauses: []string{"Our ISO 27001 certificate expired in March."}, want: none},
		{name: "subprocessor certification does not count", clauses: []string{"Our subprocessors are ISO 27001 certified."}, want: unknown},
		{name: "service providers holding a certificate do not count", clauses: []string{"Our service providers maintain ISO 27001 certification."}, want: unknown},
		{name: "encryption to our service providers is ours", clauses: []string{"Traffic between us and our service providers is encrypted with TLS 1.2 or higher."}, want: set("tls1.2+")},
		{name: "customer responsibility does not count", clauses: []string{"You are responsible for your own PCI DSS compliance."}, want: unknown},
		{name: "not shared does not negate", clauses: []string{"Data is stored with AES-256 and is not shared with advertisers."}, want: set("aes-256")},
		{name: "no mention", clauses: []string{"We take security seriously."}, want: unknown},
		{name: "no clauses", clauses: nil, want: unknown},
		{name: "across clauses", clauses: []string{"SOC 2 Type 2 report available on request.", "Encryption uses AES-256."}, want: set("soc2-type2", "aes-256")},
		{name: "resources list", clauses: []string{"Our trust portal holds audit papers (a SOC 2 Type 2 report, an ISO 27001 certificate and more)."}, want: set("soc2-type2", "iso27001")},
	})
}

func TestReadRights(t *testing.T) {
	set := terms.SetOf
	none := terms.Value{Set: []string{}}
	unknown := terms.UnknownValue("x")
	runReaderCases(t, readRights, []readerCase{
		{name: "delete conversations", clauses: []string{"You can delete your conversations at any time."}, want: set("delete-conversations")},
		{name: "option to opt out of training", clauses: []string{"To keep your chats out of training, you have the option to opt out in settings."}, want: set("opt-out-training")},
		{name: "no option to opt out of training", clauses: []string{"If you want your chats kept out of training, you have no option to opt out."}, want: none},
		{name: "delete chats from settings", clauses: []string{"Users may delete individual chats from the sidebar."}, want: set("delete-conversations")},
		{name: "when you delete a conversation", clauses: []string{"When you delete a conversation, it disappears from your history at once."}, want: set("delete-conversations")},
		{name: "conversations can be deleted", clauses: []string{"Conversations can be deleted by their owner."}, want: set("delete-conversations")},
		{name: "developers delete data via api", clauses: []string{"API developers are able to delete stored data with a DELETE request."}, want: set("delete-conversations")},
		{name: "export your data", clauses: []string{"You can export your data from the privacy settings page."}, want: set("export")},
		{name: "owner may export", clauses: []string{"An organization owner may export the data its members submitted."}, want: set("export")},
		{name: "download a copy", clauses: []string{"Go to settings to download a copy of your conversations."}, want: set("export")},
		{name: "admins export logs", clauses: []string{"Organization admins have the right to export logs for the workspace."}, want: set("export")},
		{name: "opt out of training", clauses: []string{"You can opt out of training in your account settings."}, want: set("opt-out-training")},
		{name: "turn off model improvement", clauses: []string{"Turn off the model improvement setting to keep your chats out of training."}, want: set("opt-out-training")},
		{name: "used unless you opt out", clauses: []string{"Your chats are used to train our models unless you opt out."}, want: set("opt-out-training")},
		{name: "choose whether to help improve", clauses: []string{"You choose whether your chats are used to improve our models."}, want: set("opt-out-training")},
		{name: "admins set custom retention", clauses: []string{"Admins can set custom retention periods for their organization."}, want: set("admin-retention-controls")},
		{name: "configurable retention", clauses: []string{"Enterprise plans offer configurable retention windows."}, want: set("admin-retention-controls")},
		{name: "organization retention policy", clauses: []string{"Workspace files are kept under your organization's retention policy, which its admins set."}, want: set("admin-retention-controls")},
		{name: "all four", clauses: []string{
			"You can delete your conversations and export your data.",
			"You can opt out of model training.",
			"Owners can configure how long data is retained.",
		}, want: set("delete-conversations", "export", "opt-out-training", "admin-retention-controls")},
		{name: "cannot export", clauses: []string{"You cannot export conversation history on this plan."}, want: none},
		{name: "cannot opt out", clauses: []string{"Users are not able to opt out of training on the free tier."}, want: none},
		{name: "but splits denial", clauses: []string{"You can delete your chats, but you cannot export them."}, want: set("delete-conversations")},
		{name: "no option to delete", clauses: []string{"There is no option to delete individual conversations."}, want: none},
		{name: "vendor deletes on its own", clauses: []string{"We may delete conversations that violate our policies."}, want: unknown},
		{name: "vendor reserves the right", clauses: []string{"We reserve the right to delete your data if your account is closed."}, want: unknown},
		{name: "vendor after intro clause", clauses: []string{"If you break the rules, we may delete your chats."}, want: unknown},
		{name: "automatic deletion is not a right", clauses: []string{"Inputs are deleted from our backend within 30 days."}, want: unknown},
		{name: "default no training is not an opt-out", clauses: []string{"We do not train on your business data by default."}, want: unknown},
		{name: "retention fact is not a control", clauses: []string{"We retain flagged content for two years."}, want: unknown},
		{name: "no mention", clauses: []string{"The service runs in several regions."}, want: unknown},
		{name: "no clauses", clauses: nil, want: unknown},
		{name: "admins cannot change retention", clauses: []string{"Admins cannot change the retention period on Team plans."}, want: none},
		{name: "lumen deletes on its own", clauses: []string{"Lumen Labs may delete chats when you close your account."}, want: unknown, vendor: "lumen"},
		{name: "another vendor's name is no vendor here", clauses: []string{"Lumen Labs may delete chats when you close your account."}, want: set("delete-conversations")},
		{name: "imperative click", clauses: []string{"To remove a chat, click the menu and select Delete chat history."}, want: set("delete-conversations")},
		{name: "chats are yours to manage", clauses: []string{"Chat history is yours to manage: you can delete chats whenever you like."}, want: set("delete-conversations")},
	})
}

func TestSetsEmptyIsNotZero(t *testing.T) {
	// An empty set must stay distinguishable from "nothing observed".
	r := onClauses(readSecurity)(testLex, sectionClauses("We are no longer SOC 2 certified."))
	if r.Value.IsZero() || r.Value.Unknown || r.Value.Set == nil || len(r.Value.Set) != 0 {
		t.Fatalf("value = %#v, want an empty non-nil set", r.Value)
	}
	if got := r.Value.String(); got != "[]" {
		t.Errorf("String() = %q, want []", got)
	}
}

func TestReadDispatch(t *testing.T) {
	// Read must route each attribute to its reader.
	cs := sectionClauses(
		"You own all Outputs.",
		"We offer a BAA and ZDR is available for approved customers.",
		"Anthropic is the data processor.",
		"We hold SOC 2 Type II. You can export your data.",
	)
	for _, tc := range []struct {
		attribute string
		read      reader
	}{
		{"output-ownership", readOwnership},
		{"hipaa-baa", readBAA},
		{"zdr", readZDR},
		{"data-processor", readProcessor},
		{"security", readSecurity},
		{"rights", readRights},
	} {
		t.Run(tc.attribute, func(t *testing.T) {
			got, want := Read(testAnthropic, tc.attribute, cs), onClauses(tc.read)(testLex, cs)
			if got.Value.Unknown || !got.Value.Equal(want.Value) {
				t.Errorf("Read(%q) = %v, want %v", tc.attribute, got.Value, want.Value)
			}
		})
	}
}
