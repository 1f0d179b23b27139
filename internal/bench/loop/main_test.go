package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/fixture"
)

func TestTokenizeUntil(t *testing.T) {
	page := fixture.ConsumerTerms(fixture.TrainingNever).HTML()
	if err := tokenizeUntil(page, "main"); err != nil {
		t.Errorf("fixture page: %v", err)
	}
	err := tokenizeUntil([]byte(`<html><body><div>no selection here</div></body></html>`), "main")
	if err == nil || !strings.Contains(err.Error(), "no </main>") {
		t.Errorf("page without </main>: err = %v, want no </main>", err)
	}
}

func TestRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write(fixture.ConsumerTerms(fixture.TrainingNever).HTML())
	}))
	defer srv.Close()
	seen := 0
	count := func([]byte) error { seen++; return nil }
	if err := run([]string{srv.URL + "/a", srv.URL + "/b", srv.URL + "/c"}, 1, count); err != nil || seen != 3 {
		t.Errorf("run over 3 pages: err %v, %d pages seen", err, seen)
	}
	err := run([]string{srv.URL + "/a", srv.URL + "/missing"}, 2, func([]byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "/missing: status 404") {
		t.Errorf("run with a missing page: err = %v, want its URL and status", err)
	}
}

func TestReadURLs(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "urls.txt")
	os.WriteFile(good, []byte("http://a/1\n\n  http://a/2  \n"), 0o644)
	us, err := readURLs(good)
	if err != nil || len(us) != 2 || us[1] != "http://a/2" {
		t.Errorf("readURLs = %q, %v", us, err)
	}
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	if _, err := readURLs(empty); err == nil || !strings.Contains(err.Error(), "empty.txt: no URLs") {
		t.Errorf("empty file: err = %v", err)
	}
	if _, err := readURLs(filepath.Join(dir, "absent.txt")); err == nil {
		t.Error("absent file: no error")
	}
}
