package compare

import "testing"

// TestCanonicalQueryParams covers query strings left outside a URL (a
// relative link in the clause text): opaque ids and tracking parameters
// go, whoever the vendor; other parameters stay.
func TestCanonicalQueryParams(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"uuid value of any parameter", "See /policies/terms?did=123e4567-e89b-42d3-a456-426614174000 now.", "See /policies/terms now."},
		{"upper-case uuid", "See /p?visit=123E4567-E89B-42D3-A456-426614174000", "See /p"},
		{"sixteen hex digits", "See /p?sid=0123456789abcdef.", "See /p."},
		{"base64url id", "See /p?token=Zm9vYmFyYmF6cXV4-_12 today", "See /p today"},
		{"padded base64", "See /p?n=QUJDREVGR0hJSktMTU5PUA== today", "See /p today"},
		{"utm parameters", "See /help?utm_source=footer&utm_medium=web", "See /help"},
		{"ad click ids", "See /help?gclid=abc&fbclid=xyz&msclkid=q", "See /help"},
		{"mailing-list ids", "See /news?mc_cid=1a2b&mc_eid=3c4d", "See /news"},
		{"other parameters kept", "See /help?lang=en&did=123e4567-e89b-42d3-a456-426614174000&section=data", "See /help?lang=en&section=data"},
		{"first parameter dropped keeps the rest", "See /p?utm_source=x&page=2", "See /p?page=2"},
		{"short hex is not an id", "See /p?v=deadbeef", "See /p?v=deadbeef"},
		{"a long word is not an id", "See /p?topic=dataprocessingaddendum", "See /p?topic=dataprocessingaddendum"},
		{"a slug without digits is not an id", "See /p?section=privacy-and-data-controls", "See /p?section=privacy-and-data-controls"},
		{"a question is not a query", "Is it kept? Yes=no.", "Is it kept? Yes=no."},
		{"bare tracking parameter", "tagged utm_campaign=spring in the footer", "tagged in the footer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Canonical(tt.in)
			if got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Canonical(got); again != got {
				t.Errorf("Canonical is not idempotent: %q, then %q", got, again)
			}
		})
	}
	t.Run("a rotating id compares equal", func(t *testing.T) {
		a := Canonical("Read /policies/privacy?vid=eb9e31fa-9797-4573-8e68-0acc9d61cd31 first.")
		b := Canonical("Read /policies/privacy?vid=0f0f0f0f-1111-4111-8111-000000000002 first.")
		if a != b {
			t.Errorf("%q != %q", a, b)
		}
	})
}
