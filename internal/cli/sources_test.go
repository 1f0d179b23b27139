package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/cli"
)

// TestSourcesJSONRedactsHeaders: `sources --format json` names the
// declared headers without their values (a key or a cookie must not reach
// logs and tickets) and shows browser_allow.
func TestSourcesJSONRedactsHeaders(t *testing.T) {
	dir := t.TempDir()
	decl := `vendor: example
name: Example AI
tiers:
  - id: consumer
documents:
  - id: example-terms
    url: https://example.test/terms
    tiers: [consumer]
    headers: {X-Api-Key: secret-key-123, Cookie: "session=cookie-456", Accept-Language: en-GB}
    render: browser
    browser_allow: [cdn.example-static.test]
`
	if err := os.WriteFile(filepath.Join(dir, "example.yaml"), []byte(decl), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err := cli.Run(context.Background(), []string{"--sources", dir, "sources", "--format", "json"}, cli.Env{Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatalf("sources --format json: %v\n%s", err, errb.String())
	}
	for _, secret := range []string{"secret-key-123", "cookie-456", "en-GB"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("output shows the header value %q:\n%s", secret, out.String())
		}
	}
	var vendors []struct {
		Sources []struct {
			Headers      []string `json:"headers"`
			BrowserAllow []string `json:"browser_allow"`
		} `json:"sources"`
	}
	if err := json.Unmarshal(out.Bytes(), &vendors); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	src := vendors[0].Sources[0]
	if want := []string{"Accept-Language", "Cookie", "X-Api-Key"}; !reflect.DeepEqual(src.Headers, want) {
		t.Errorf("headers = %q, want the names %q", src.Headers, want)
	}
	if want := []string{"cdn.example-static.test"}; !reflect.DeepEqual(src.BrowserAllow, want) {
		t.Errorf("browser_allow = %q, want %q", src.BrowserAllow, want)
	}
}
