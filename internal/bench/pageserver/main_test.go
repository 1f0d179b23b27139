package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != "" {
		t.Errorf("%s: validators sent", url)
	}
	return resp.StatusCode, string(b)
}

// TestServer checks fresh noise per request, the padding, the edit cycle
// (one page in every changes its clause, the others keep theirs) and the
// errors.
func TestServer(t *testing.T) {
	srv := httptest.NewServer(newServer(4, 100<<10))
	defer srv.Close()
	_, a := get(t, srv.URL+"/doc/0")
	_, b := get(t, srv.URL+"/doc/0")
	if a == b {
		t.Error("two responses are the same: want fresh noise")
	}
	if len(a) < 100<<10 {
		t.Errorf("page is %d bytes, want about %d", len(a), 100<<10)
	}
	if !strings.Contains(a, fixture.TrainingNever) {
		t.Error("first cycle: page 0 lacks the never-train clause")
	}
	if code, body := get(t, srv.URL+"/_cycle?every=2"); code != 200 || strings.TrimSpace(body) != "2" {
		t.Fatalf("new cycle: %d %q, want 2 pages changed", code, body)
	}
	for i, want := range []string{fixture.TrainingNever, fixture.TrainingOptOut, fixture.TrainingNever, fixture.TrainingOptOut} {
		if _, p := get(t, srv.URL+"/doc/"+string(rune('0'+i))); !strings.Contains(p, want) {
			t.Errorf("after one cycle of every=2, page %d lacks %q", i, want)
		}
	}
	for _, path := range []string{"/doc/4", "/doc/-1", "/doc/x", "/other/1"} {
		if code, _ := get(t, srv.URL+path); code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, code)
		}
	}
	for _, q := range []string{"", "every=0", "every=x"} {
		if code, _ := get(t, srv.URL+"/_cycle?"+q); code != http.StatusBadRequest {
			t.Errorf("/_cycle?%s: status %d, want 400", q, code)
		}
	}
}
