package fetch

import (
	"errors"
	"net/url"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestErrorReasonLeavesOutTheURL(t *testing.T) {
	const u = "https://example.org/terms"
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Category: terms.ErrServer, URL: u, Status: 503, Attempts: 3}, "status 503 (http-5xx) after 3 attempts"},
		{&Error{Category: terms.ErrNetwork, URL: u, Attempts: 1, Err: &url.Error{Op: "Get", URL: u, Err: errors.New("dial tcp: connection refused")}},
			"dial tcp: connection refused (network)"},
		{&Error{Category: terms.ErrContentType, URL: u, Err: errors.New(`content type "image/png" is not a page`)}, `content type "image/png" is not a page (content-type)`},
	}
	for _, tt := range tests {
		if got := tt.err.Reason(); got != tt.want {
			t.Errorf("Reason() = %q, want %q", got, tt.want)
		}
		if tt.err.Error() == tt.err.Reason() {
			t.Errorf("Error() %q should still name the URL", tt.err.Error())
		}
	}
}
