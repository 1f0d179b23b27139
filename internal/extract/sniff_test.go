package extract

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestSniffType(t *testing.T) {
	page := []byte(`<!DOCTYPE html><html><head><title>Terms</title></head><body><main><p>Our terms.</p></main></body></html>`)
	png := []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R'}
	for _, tc := range []struct {
		name, file string
		raw        []byte
		want       string // content type; empty: refused
		looksLike  string // what the refusal names
		// sameAsBrowsers: the result is what net/http's DetectContentType
		// (the same sniffing rules) gives for a file without an extension.
		sameAsBrowsers bool
	}{
		// The extension decides, whatever the bytes.
		{"html extension", "terms.html", page, TypeHTML, "", true},
		{"htm extension, upper case", "TERMS.HTM", []byte("no markup at all"), TypeHTML, "", false},
		{"xhtml extension", "terms.xhtml", []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>`), TypeHTML, "", false},
		{"txt extension", "terms.txt", page, TypeText, "", false},
		{"text extension", "terms.text", []byte("Terms\n\nOur terms."), TypeText, "", true},
		{"md extension", "terms.md", []byte("# Terms\n\nOur terms."), TypeMarkdown, "", false},
		{"markdown extension", "notes.Markdown", []byte("# Terms"), TypeMarkdown, "", false},
		{"extension is the last one", "terms.html.txt", page, TypeText, "", false},
		// Otherwise the bytes decide.
		{"doctype", "saved", page, TypeHTML, "", true},
		{"white space, then lower-case html", "saved.bin", []byte("\r\n\t <html lang=\"en\"><body>x</body></html>"), TypeHTML, "", true},
		{"comment first", "saved", []byte("<!-- saved copy --><div>terms</div>"), TypeHTML, "", true},
		{"paragraph", "saved", []byte("<p>Our terms.</p>"), TypeHTML, "", true},
		{"tag must end its name", "saved", []byte("<pre>Our terms.</pre>"), TypeText, "", true},
		{"plain text", "terms", []byte("Terms of service\n\n1. Scope\nThese terms apply to you."), TypeText, "", true},
		{"utf-8 text", "terms", []byte("Conditions générales — 30 jours"), TypeText, "", true},
		{"utf-16le mark", "terms", []byte("\xFF\xFET\x00e\x00r\x00m\x00s\x00"), "text/plain; charset=utf-16le", "", true},
		{"utf-16be mark", "terms", []byte("\xFE\xFF\x00T\x00e\x00r\x00m\x00s"), "text/plain; charset=utf-16be", "", true},
		{"utf-8 mark", "terms", []byte("\xEF\xBB\xBFTerms of service"), TypeText, "", true},
		{"utf-8 mark before html is text", "terms", []byte("\xEF\xBB\xBF<html><body>x</body></html>"), TypeText, "", true},
		// Refused.
		{"png", "blob.bin", png, "", "image/png", true},
		{"pdf", "terms.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "", "application/pdf", true},
		{"postscript", "terms.ps", []byte("%!PS-Adobe-3.0\n%%Title: terms"), "", "application/postscript", true},
		{"xml", "feed", []byte("  <?xml version=\"1.0\"?><rss></rss>"), "", "text/xml; charset=utf-8", true},
		{"gzip", "terms.gz", []byte("\x1F\x8B\x08\x00\x00\x00\x00\x00"), "", "application/x-gzip", true},
		{"zip", "terms.zip", []byte("PK\x03\x04\x14\x00\x00\x00"), "", "application/zip", true},
		{"jpeg", "scan.jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), "", "image/jpeg", true},
		{"webp", "scan.webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), "", "image/webp", true},
		{"other binary", "blob", []byte("terms\x00\x01\x02"), "", "application/octet-stream", true},
		// Text that happens to open like a media file is still text.
		{"text opening with BM", "notes", []byte("BM25 ranking notes for the terms search."), TypeText, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SniffType(tc.file, tc.raw)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("SniffType(%q) = %q, %v; want %q", tc.file, got, err, tc.want)
				}
			} else {
				if !errors.Is(err, ErrNotAPage) || got != "" {
					t.Fatalf("SniffType(%q) = %q, %v; want ErrNotAPage", tc.file, got, err)
				}
				if !strings.Contains(err.Error(), "it looks like "+tc.looksLike) {
					t.Errorf("error %q does not say it looks like %s", err, tc.looksLike)
				}
			}
			if tc.sameAsBrowsers {
				want := http.DetectContentType(tc.raw)
				if s := sniff(tc.raw); s != want {
					t.Errorf("sniffed %q, the sniffing rules give %q", s, want)
				}
			}
		})
	}
}

// TestSniffTypeLooksAtTheOpening checks that only the first 512 bytes
// count: binary bytes after them do not make text binary.
func TestSniffTypeLooksAtTheOpening(t *testing.T) {
	raw := []byte(strings.Repeat("Our terms. ", 60) + "\x00\x01")
	if got, err := SniffType("saved", raw); err != nil || got != TypeText {
		t.Errorf("SniffType = %q, %v; want %q", got, err, TypeText)
	}
	if got, err := SniffType("saved", raw[len(raw)-100:]); err == nil {
		t.Errorf("binary within the opening: SniffType = %q, want refused", got)
	}
}
