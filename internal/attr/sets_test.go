package attr

import (
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestReadSecurity(t *testing.T) {
	set := terms.SetOf
	deny := func(confirmed []string, denied ...string) terms.Value { return terms.DenySet(confirmed, denied) }
	unknown := terms.UnknownValue("x")
	runReaderCases(t, readSecurity, []readerCase{
		{name: "soc 2 type ii", clauses: []string{"We hold a SOC 2 Type II attestation."}, want: set("soc2-type2")},
		{name: "soc2 type 2", clauses: []string{"Our SOC2 Type 2 audit is renewed every year."}, want: set("soc2-type2")},
		{name: "soc 2 type 2 report openai style", clauses: []string{"Customers can request our SOC 2 Type 2 report from the trust portal."}, want: set("soc2-type2")},
		{name: "type ii soc 2 reversed", clauses: []string{"An independent auditor issued a Type II SOC 2 report."}, want: set("soc2-type2")},
		{name: "soc 2 type i is not type ii", clauses: []string{"We completed a SOC 2 Type I audit."}, want: unknown},
		{name: "iso iec 27001 2022", clauses: []string{"The platform is certified to ISO/IEC 27001:2022."}, want: set("iso27001")},
		{name: "iso 27001", clauses: []string{"We maintain ISO 27001 certification."}, want: set("iso27001")},
		{name: "iso 42001", clauses: []string{"We were among the first labs certified under ISO/IEC 42001."}, want: set("iso42001")},
		{name: "fedramp high", clauses: []string{"The government region holds a FedRAMP High authorization."}, want: set("fedramp-high")},
		{name: "fedramp moderate is not high", clauses: []string{"The service has FedRAMP Moderate authorization."}, want: unknown},
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
		{name: "no longer soc 2", clauses: []string{"We are no longer SOC 2 certified."}, want: deny([]string{}, "soc2-type2"), evidence: "no longer SOC 2"},
		{name: "sso not available on this plan", clauses: []string{
			"Single sign-on and audit logs come with the Enterprise plan.",
			"SSO is not available on this plan.",
		}, want: deny([]string{"audit-logs"}, "sso"), evidence: "SSO is not available"},
		{name: "but splits negation", clauses: []string{"SSO is included, but SCIM is not offered on Team."}, want: deny([]string{"sso"}, "scim")},
		{name: "lacks audit logs", clauses: []string{"Consumer plans lack the audit logs found in business plans."}, want: deny([]string{}, "audit-logs")},
		{name: "dropped certification", clauses: []string{"Our ISO 27001 certificate expired in March."}, want: deny([]string{}, "iso27001")},
		{name: "subprocessor certification does not count", clauses: []string{"Our subprocessors are ISO 27001 certified."}, want: unknown},
		{name: "service providers holding a certificate do not count", clauses: []string{"Our service providers maintain ISO 27001 certification."}, want: unknown},
		{name: "encryption to our service providers is ours", clauses: []string{"Traffic between us and our service providers is encrypted with TLS 1.2 or higher."}, want: set("tls1.2+")},
		{name: "customer responsibility does not count", clauses: []string{"You are responsible for your own PCI DSS compliance."}, want: unknown},
		{name: "not shared does not negate", clauses: []string{"Data is stored with AES-256 and is not shared with advertisers."}, want: set("aes-256")},
		{name: "no mention", clauses: []string{"We take security seriously."}, want: unknown},
		{name: "no clauses", clauses: nil, want: unknown},
		{name: "across clauses", clauses: []string{"SOC 2 Type 2 report available on request.", "Encryption uses AES-256."}, want: set("soc2-type2", "aes-256")},
		{name: "resources list", clauses: []string{"Our trust portal holds audit papers (a SOC 2 Type 2 report, an ISO 27001 certificate and more)."}, want: set("soc2-type2", "iso27001")},

		// Negation in its many forms.
		{name: "not yet completed", clauses: []string{"We hold ISO 27001; a SOC 2 Type II audit has not yet been completed."}, want: deny([]string{"iso27001"}, "soc2-type2")},
		{name: "has not been obtained", clauses: []string{"A FedRAMP authorization for the platform has not been obtained."}, want: deny([]string{}, "fedramp-high")},
		{name: "doesn't hold", clauses: []string{"The company doesn't hold a HITRUST certification at present."}, want: deny([]string{}, "hitrust")},
		{name: "working towards", clauses: []string{"We are working towards FedRAMP High authorization."}, want: deny([]string{}, "fedramp-high")},
		{name: "in progress", clauses: []string{"Our ISO 42001 certification is in progress."}, want: deny([]string{}, "iso42001")},
		{name: "does not have a soc 2 report", clauses: []string{"We do not have a SOC 2 Type II report."}, want: deny([]string{}, "soc2-type2")},
		{name: "staff without access is no denial", clauses: []string{"Stored data is encrypted with AES-256 and our support staff do not have access to it."}, want: set("aes-256")},
		{name: "never used for training is no denial", clauses: []string{"Traffic is protected with TLS 1.3 and is never used for training."}, want: set("tls1.2+")},
		{name: "whether or not is no denial", clauses: []string{"Whether or not you turn on SSO, every workspace gets audit logs."}, want: set("sso", "audit-logs")},

		// Other spellings.
		{name: "256-bit aes", clauses: []string{"Files at rest are encrypted using 256-bit AES."}, want: set("aes-256")},
		{name: "aes with 256-bit keys", clauses: []string{"Backups use AES with 256-bit keys."}, want: set("aes-256")},
		{name: "aes-128 is not aes-256", clauses: []string{"Caches are encrypted with AES-128."}, want: unknown},
		{name: "tls 1.0 is not tls 1.2", clauses: []string{"The legacy endpoint accepts TLS 1.0 connections."}, want: unknown},
		{name: "transport layer security spelled out", clauses: []string{"Connections use Transport Layer Security (TLS) version 1.2 or later."}, want: set("tls1.2+")},
		{name: "saml is sso", clauses: []string{"Organizations can sign in through SAML with their identity provider."}, want: set("sso")},
		{name: "fedramp high baseline", clauses: []string{"The government cloud is authorized at the FedRAMP High baseline."}, want: set("fedramp-high")},
		{name: "bare soc 2 report is no type ii", clauses: []string{"We will share our SOC 2 report with customers on request."}, want: unknown},

		// Not statements of the offering.
		{name: "customer must use tls", clauses: []string{"Customer must use TLS 1.2 or higher when calling the API."}, want: unknown},
		{name: "we recommend sso", clauses: []string{"We recommend that administrators turn on SSO for all members."}, want: unknown},
		{name: "keep your own audit log", clauses: []string{"Keep your own audit log of who can reach your keys."}, want: unknown},
		{name: "aligned with iso", clauses: []string{"Our controls are aligned with ISO 27001."}, want: unknown},
		{name: "payment processor's pci", clauses: []string{"Card payments are handled by our payment processor, which is PCI DSS compliant."}, want: unknown},
		{name: "question heading", clauses: []string{"Does the service support SSO?"}, want: unknown},
		{name: "generic security", clauses: []string{"We use industry-standard encryption and security practices."}, want: unknown},
		{name: "staff training", clauses: []string{"All employees complete annual security awareness training."}, want: unknown},
		{name: "unqualified encryption", clauses: []string{"Your data is encrypted in transit and at rest."}, want: unknown},

		// Lists and tables.
		{name: "neither nor", clauses: []string{"Neither SSO nor SCIM is offered on the Team plan."}, want: deny([]string{}, "scim", "sso")},
		{name: "not currently held", clauses: []string{"A HITRUST certificate is not currently held."}, want: deny([]string{}, "hitrust")},
		{name: "infrastructure provider's certificates", clauses: []string{"Our hosting provider holds SOC 2 Type II and ISO 27001 certificates."}, want: unknown},
		{name: "our processor's pci", clauses: []string{"We never see your card details; our processor is PCI DSS compliant."}, want: unknown},
		{name: "renewed certification", clauses: []string{"We renewed our ISO 27001 certificate for another year."}, want: set("iso27001")},
		{name: "not renewed", clauses: []string{"Our ISO 27001 certificate was not renewed this year."}, want: deny([]string{}, "iso27001")},
		{name: "only on one plan", clauses: []string{"Audit logs are only available on Enterprise."}, want: set("audit-logs")},
		{name: "customer's duty", clauses: []string{"To use SCIM, you must first set up SSO."}, want: unknown},
		{name: "customer duties in a lead-in", clauses: []string{"You are responsible for:", "- enabling SSO for your members;"}, want: unknown},
		{name: "the vendor's own item under advice", clauses: []string{"We also recommend that you protect your data as follows:", "- We require TLS 1.2 for every connection."}, want: set("tls1.2+")},
		{name: "list item with lead-in", clauses: []string{"Our technical measures include:", "- encryption at rest with AES-256;"}, want: set("aes-256")},
		{name: "table cells yes and no", clauses: []string{"Plan: Enterprise | SSO: Yes | SCIM: No | Audit logs: Included"}, want: deny([]string{"audit-logs", "sso"}, "scim")},
		{name: "table cell with certifications", clauses: []string{"Area: Compliance | Reports: SOC 2 Type II, ISO/IEC 27001"}, want: set("soc2-type2", "iso27001")},
		{name: "table cell soc 2 yes is no type ii", clauses: []string{"Program: Audits | SOC 2: Yes"}, want: unknown},
		{name: "table cell fedramp no denies", clauses: []string{"Program: Government | FedRAMP: No"}, want: deny([]string{}, "fedramp-high")},

		// Internal measures and data types are no feature of the offering.
		{name: "rbac for the vendor's staff", clauses: []string{"Access to production is limited through RBAC, restricting our personnel to what their role needs."}, want: unknown},
		{name: "sso for internal systems", clauses: []string{"SSO is enforced on all systems with access to Customer Data."}, want: unknown},
		{name: "rbac for the customer's members", clauses: []string{"Admins can use role-based access controls to limit what each member sees."}, want: set("rbac")},
		{name: "card data regulated under pci", clauses: []string{"Do not submit payment card data or other information regulated under PCI DSS."}, want: unknown},
	})
}

// observeSet reads attribute from one page of testLumen declared for
// tiers, through Observe, and returns the value per tier.
func observeSet(t *testing.T, attribute string, tiers []string, clauses ...terms.Clause) map[string]terms.Value {
	t.Helper()
	src := terms.Source{ID: "page", Vendor: testLumen.ID, Tiers: tiers}
	v := testLumen
	v.Sources = []terms.Source{src}
	got := map[string]terms.Value{}
	for _, o := range Observe(v, src, terms.Document{Clauses: clauses}, terms.Snapshot{ID: 1, Source: src.ID}) {
		if o.Attribute == attribute && !o.Value.Unknown {
			got[o.Tier] = o.Value
		}
	}
	return got
}

func TestSetsWhom(t *testing.T) {
	set := terms.SetOf
	para := func(text string) terms.Clause {
		return terms.Clause{Path: []string{"Security"}, Kind: terms.KindParagraph, Text: text}
	}
	row := func(text string) terms.Clause {
		return terms.Clause{Path: []string{"Compare plans"}, Kind: terms.KindTableRow, Text: text}
	}
	all := []string{"personal", "business", "api"}
	for _, tc := range []struct {
		name      string
		attribute string
		clause    terms.Clause
		want      map[string]terms.Value
	}{
		{"a cloud that serves no named tier", "security", para("Lumen models sold through Stratus Web Services fall under Stratus's FedRAMP High authorization."), map[string]terms.Value{}},
		{"a cloud's row", "security", row("Cloud: SWS | DoD IL2: Yes"), map[string]terms.Value{}},
		{"the cloud tier named", "security", para("Beam on Stratus falls under the platform's FedRAMP High authorization."), map[string]terms.Value{"stratus": set("fedramp-high")}},
		{"tier columns that agree", "rights", row("Control: Delete single chats | Personal plan: Yes | Business plan: ✓"), map[string]terms.Value{"personal": set("delete-conversations"), "business": set("delete-conversations")}},
		{"tier columns are read per tier", "security", row("Feature: Audit logs | Personal plan: No | Business plan: Yes"), map[string]terms.Value{"business": set("audit-logs"), "personal": terms.DenySet(nil, []string{"audit-logs"})}},
		{"row header names the tier", "rights", row("Plan: Business plan | Export chats: Yes (admins)"), map[string]terms.Value{"business": set("export")}},
		{"rows joined by semicolons", "security", row("Plan: Business plan; SSO: Yes; SCIM: Not available"), map[string]terms.Value{"business": terms.DenySet([]string{"sso"}, []string{"scim"})}},
		{"one product as an example speaks for no tier", "rights", para("Beam, for instance, gets better by training on the chats people have with it, unless you opt out."), map[string]terms.Value{}},
		{"a named tier as the example still speaks for it", "rights", para("On the Personal plan, for instance, your chats train the models unless you opt out."), map[string]terms.Value{"personal": set("opt-out-training")}},
		{"a list of subprocessors", "security", terms.Clause{Path: []string{"Subprocessors"}, Kind: terms.KindTableRow, Text: "Entity: An identity company | Purpose: Single sign-on, SOC 2 Type II audited"}, map[string]terms.Value{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := observeSet(t, tc.attribute, all, tc.clause)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for tier, w := range tc.want {
				if g, ok := got[tier]; !ok || !g.Equal(w) {
					t.Errorf("%s = %v, want %v (all: %v)", tier, g, w, got)
				}
			}
		})
	}
}

func TestReadRights(t *testing.T) {
	set := terms.SetOf
	deny := func(confirmed []string, denied ...string) terms.Value { return terms.DenySet(confirmed, denied) }
	unknown := terms.UnknownValue("x")
	runReaderCases(t, readRights, []readerCase{
		{name: "delete conversations", clauses: []string{"You can delete your conversations at any time."}, want: set("delete-conversations")},
		{name: "contracted, curly: a list after a colon", clauses: []string{"You’re in control: erase a thread or download your archive whenever you like."}, want: set("delete-conversations", "export")},
		{name: "contracted: the vendor acts", clauses: []string{"We'll delete your threads after a year."}, want: unknown},
		{name: "contracted: you'll be able to", clauses: []string{"You'll be able to delete every conversation from the history page."}, want: set("delete-conversations")},
		{name: "contracted: a list after a colon", clauses: []string{"You're in control: delete any thread and export your archive from the history page."}, want: set("delete-conversations", "export")},
		{name: "option to opt out of training", clauses: []string{"To keep your chats out of training, you have the option to opt out in settings."}, want: set("opt-out-training")},
		{name: "no option to opt out of training", clauses: []string{"If you want your chats kept out of training, you have no option to opt out."}, want: deny([]string{}, "opt-out-training")},
		{name: "delete chats from settings", clauses: []string{"Users may delete individual chats from the sidebar."}, want: set("delete-conversations")},
		{name: "export them, the chats", clauses: []string{"You can delete your chats or export them from your settings."}, want: set("delete-conversations", "export")},
		{name: "a pointer to the privacy policy", clauses: []string{"We encourage you to read our privacy policy to understand how you can export and delete your information."}, want: unknown},
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
		{name: "cannot export", clauses: []string{"You cannot export conversation history on this plan."}, want: deny([]string{}, "export")},
		{name: "cannot opt out", clauses: []string{"Users are not able to opt out of training on the free tier."}, want: deny([]string{}, "opt-out-training")},
		{name: "but splits denial", clauses: []string{"You can delete your chats, but you cannot export them."}, want: set("delete-conversations")},
		{name: "no option to delete", clauses: []string{"There is no option to delete individual conversations."}, want: deny([]string{}, "delete-conversations")},
		{name: "vendor deletes on its own", clauses: []string{"We may delete conversations that violate our policies."}, want: unknown},
		{name: "vendor reserves the right", clauses: []string{"We reserve the right to delete your data if your account is closed."}, want: unknown},
		{name: "vendor after intro clause", clauses: []string{"If you break the rules, we may delete your chats."}, want: unknown},
		{name: "automatic deletion is not a right", clauses: []string{"Inputs are deleted from our backend within 30 days."}, want: unknown},
		{name: "default no training is not an opt-out", clauses: []string{"We do not train on your business data by default."}, want: unknown},
		{name: "retention fact is not a control", clauses: []string{"We retain flagged content for two years."}, want: unknown},
		{name: "no mention", clauses: []string{"The service runs in several regions."}, want: unknown},
		{name: "no clauses", clauses: nil, want: unknown},
		{name: "admins cannot change retention", clauses: []string{"Admins cannot change the retention period on Team plans."}, want: deny([]string{}, "admin-retention-controls")},
		{name: "lumen deletes on its own", clauses: []string{"Lumen Labs may delete chats when you close your account."}, want: unknown, vendor: "lumen"},
		{name: "another vendor's name is no vendor here", clauses: []string{"Lumen Labs may delete chats when you close your account."}, want: set("delete-conversations")},
		{name: "imperative click", clauses: []string{"To remove a chat, click the menu and select Delete chat history."}, want: set("delete-conversations")},
		{name: "chats are yours to manage", clauses: []string{"Chat history is yours to manage: you can delete chats whenever you like."}, want: set("delete-conversations")},

		// Paraphrases of a granted right.
		{name: "nominal, available to you", clauses: []string{"Removing a single chat and exporting your data are both available to you."}, want: set("delete-conversations", "export")},
		{name: "withdraw consent to training", clauses: []string{"Should you change your mind about training, you can withdraw your consent in Settings."}, want: set("opt-out-training")},
		{name: "stop us from training", clauses: []string{"You can stop us from training our models on your chats at any time."}, want: set("opt-out-training")},
		{name: "choose not to allow training", clauses: []string{"If you choose not to let us use your chats to improve the models, they are kept for 30 days."}, want: set("opt-out-training")},
		{name: "owners set how long chats are kept", clauses: []string{"Workspace owners can decide how long chats are kept."}, want: set("admin-retention-controls")},
		{name: "retention controlled by admins, passive", clauses: []string{"The retention period for workspace chats is controlled by the organization's admins."}, want: set("admin-retention-controls")},
		{name: "long subject before can", clauses: []string{"Owners on the Business plan and the Enterprise plan can set how long their chats are kept."}, want: set("admin-retention-controls")},
		{name: "export requested by the owner", clauses: []string{"An export of all workspace chats can be requested by the owner."}, want: set("export")},

		// Not rights of the vocabulary, or not granted.
		{name: "gdpr erasure of personal data", clauses: []string{"You have the right to request that we delete personal data we hold about you."}, want: unknown},
		{name: "gdpr copy of personal data", clauses: []string{"You have the right to request a copy of the personal data we process about you."}, want: unknown},
		{name: "export control laws", clauses: []string{"You may not use the service in breach of laws about exporting software to other countries."}, want: unknown},
		{name: "export control regulations", clauses: []string{"Customer will comply with all export control regulations applicable to its data."}, want: unknown},
		{name: "browsing history", clauses: []string{"You can delete your browsing history in the browser settings."}, want: unknown},
		{name: "delete your account", clauses: []string{"You can delete your account at any time."}, want: unknown},
		{name: "download the app", clauses: []string{"You can download the desktop app for more information."}, want: unknown},
		{name: "marketing opt-out", clauses: []string{"You can opt out of promotional emails at any time."}, want: unknown},
		{name: "no need to opt out", clauses: []string{"Business customers do not need to opt out: we never train on their chats."}, want: unknown},
		{name: "no longer wanting is no denial", clauses: []string{"If you no longer want your chats used for training, you can turn off model improvement."}, want: set("opt-out-training")},
		{name: "vendor sets retention", clauses: []string{"Retention periods for chats are set by us and may change."}, want: unknown},
		{name: "vendor grants export", clauses: []string{"We let you export your chat history from Settings."}, want: set("export")},
		{name: "question", clauses: []string{"Can I delete my conversations?"}, want: unknown},
		{name: "table cell yes", clauses: []string{"Control: Data controls | Export chat history: Yes | Training opt-out: No"}, want: deny([]string{"export"}, "opt-out-training")},

		// Conditions, the vendor's own rights, things that only sound alike.
		{name: "a condition is no denial", clauses: []string{"If you are unable to export your chats from Settings, write to our support team."}, want: set("export")},
		{name: "after termination is no denial", clauses: []string{"Customer may not be able to export its data once the account is terminated."}, want: unknown},
		{name: "vendor reserves the right", clauses: []string{"The provider of the platform reserves the right to restrict the export of data that puts the service at risk."}, want: unknown},
		{name: "removing excess content", clauses: []string{"If you store more than your plan allows, free up space by removing excess content."}, want: unknown},
		{name: "remove a chat", clauses: []string{"You can remove any chat from your sidebar."}, want: set("delete-conversations")},
		{name: "delete your account, copy of your data", clauses: []string{"Your settings let you delete your account, obtain a copy of your data, and object to the use of your chats for model training."}, want: set("export", "opt-out-training")},
		{name: "requests to delete data go to the admin", clauses: []string{"Send requests (such as to access or delete your data) to your administrator."}, want: unknown},
		{name: "download instructions", clauses: []string{"You can find download instructions for the viewer tool in the settings app."}, want: unknown},
		{name: "download apps and content", clauses: []string{"The store lets you browse, buy and download apps, games and other content."}, want: unknown},
		{name: "telemetry programme is not model training", clauses: []string{"You can turn off the Experience Improvement Programme in the toolbar settings."}, want: unknown},
		{name: "criteria for retention", clauses: []string{"Criteria used to determine retention periods include: when you store a file, we keep it until you delete it."}, want: unknown},
		{name: "zero data retention set up", clauses: []string{"This only applies to organizations that have set up workspaces with zero data retention."}, want: unknown},
		{name: "vendor deletes on its own after a lead-in", clauses: []string{"For business customers:", "- unless agreed otherwise, Anthropic automatically deletes prompts and outputs within 30 days."}, want: unknown},
		{name: "your deletion survives the vendor's clause", clauses: []string{"When you delete a chat, we remove it from our servers within 30 days."}, want: set("delete-conversations")},
		{name: "an aim is no control", clauses: []string{"We aim to give customers control over how long data is retained."}, want: unknown},
		{name: "the organization's own policies", clauses: []string{"Your organization may have separate controls based on its own data retention policies."}, want: unknown},
		{name: "lead-in denial reaches the item", clauses: []string{"On the Free plan you cannot:", "- export your chat history."}, want: deny([]string{}, "export")},
		{name: "lead-in ability reaches the item", clauses: []string{"From the settings page you can:", "- download a copy of your chats;"}, want: set("export")},
		{name: "gerund subject", clauses: []string{"Deleting a chat takes it out of your history at once."}, want: set("delete-conversations")},
		{name: "chats you delete", clauses: []string{"Chats you delete leave our systems within 30 days."}, want: set("delete-conversations")},
		{name: "fixed period that cannot be changed", clauses: []string{"The retention period is fixed at 30 days and cannot be changed."}, want: deny([]string{}, "admin-retention-controls")},
		{name: "shorten the period chats are kept", clauses: []string{"Organization owners may shorten the period for which chats are kept."}, want: set("admin-retention-controls")},
		{name: "up to the admins", clauses: []string{"How long chats are kept is up to your organization's admins."}, want: set("admin-retention-controls")},
		{name: "period changed from time to time", clauses: []string{"The retention period may be changed from time to time."}, want: unknown},
		{name: "admins configure retention, instruction", clauses: []string{"Configure custom data retention for your organization in the admin console."}, want: set("admin-retention-controls")},
	})
}

func TestSetsEmptyIsNotZero(t *testing.T) {
	// An empty set must stay distinguishable from "nothing observed", and
	// the item it denies is kept as denied.
	r := onClauses(readSecurity)(testLex, sectionClauses("We are no longer SOC 2 certified."))
	if r.Value.IsZero() || r.Value.Unknown || r.Value.Set == nil || len(r.Value.Set) != 0 {
		t.Fatalf("value = %#v, want an empty non-nil set", r.Value)
	}
	if got := r.Value.String(); got != "[] not [soc2-type2]" {
		t.Errorf("String() = %q, want [] not [soc2-type2]", got)
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
