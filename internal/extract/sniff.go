package extract

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrNotAPage means a file is neither an HTML page nor text: a PDF, an
// image, an archive, an XML feed. SniffType wraps it with what the file
// looks like.
var ErrNotAPage = errors.New("not an HTML or text page")

// Content types SniffType gives to the pages it accepts.
const (
	TypeHTML     = "text/html; charset=utf-8"
	TypeText     = "text/plain; charset=utf-8"
	TypeMarkdown = "text/markdown; charset=utf-8"
)

// SniffType decides how a page saved to a file (an archived copy, a
// colleague's download) is read: HTML through the source's selectors
// (Extract), or plain text and markdown line by line (ExtractText). It
// returns the content type to record with the page.
//
// The file name's extension decides: .html, .htm, .xhtml are HTML; .txt,
// .text are plain text; .md, .markdown are markdown. Otherwise the first
// 512 bytes are sniffed by the web's MIME sniffing rules, as a browser
// would: bytes that open like HTML (after white space: "<!DOCTYPE HTML",
// "<html", "<head", "<body", "<div", "<p", "<!--", … followed by a space or
// ">") are HTML; a UTF-16 or UTF-8 byte-order mark, or bytes without binary
// control characters, are plain text. Anything else, and a PDF, PostScript
// or XML file however textual, is refused with an error wrapping
// ErrNotAPage that says what the file looks like ("application/pdf").
func SniffType(name string, raw []byte) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".xhtml":
		return TypeHTML, nil
	case ".txt", ".text":
		return TypeText, nil
	case ".md", ".markdown":
		return TypeMarkdown, nil
	}
	ct := sniff(raw)
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "text/plain") {
		return ct, nil
	}
	return "", fmt.Errorf("%w (it looks like %s)", ErrNotAPage, ct)
}

// sniffLen is how much of a file the sniffing rules look at.
const sniffLen = 512

// htmlOpenings are the openings that make a file HTML (matched without
// regard to case, after leading white space, and followed by a space or
// ">").
var htmlOpenings = []string{
	"<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT",
	"<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
}

// signatures are the openings of files that are not pages, in the order
// the sniffing rules try them: text-like formats that are refused however
// textual they are, the byte-order marks of text, and the commonest binary
// formats (only to name them in the refusal: any binary file is refused).
var signatures = []struct {
	prefix string
	minLen int // the rules match a byte-order mark only in a file of at least 4 bytes
	skipWS bool
	ct     string
}{
	{prefix: "<?xml", skipWS: true, ct: "text/xml; charset=utf-8"},
	{prefix: "%PDF-", ct: "application/pdf"},
	{prefix: "%!PS-Adobe-", ct: "application/postscript"},
	{prefix: "\xFE\xFF", minLen: 4, ct: "text/plain; charset=utf-16be"},
	{prefix: "\xFF\xFE", minLen: 4, ct: "text/plain; charset=utf-16le"},
	{prefix: "\xEF\xBB\xBF", minLen: 4, ct: TypeText},
	{prefix: "GIF87a", ct: "image/gif"},
	{prefix: "GIF89a", ct: "image/gif"},
	{prefix: "\x89PNG\x0D\x0A\x1A\x0A", ct: "image/png"},
	{prefix: "\xFF\xD8\xFF", ct: "image/jpeg"},
	{prefix: "\x1F\x8B\x08", ct: "application/x-gzip"},
	{prefix: "PK\x03\x04", ct: "application/zip"},
}

// sniff is the content type of data by the sniffing rules, restricted to
// what SniffType needs to tell apart.
func sniff(data []byte) string {
	if len(data) > sniffLen {
		data = data[:sniffLen]
	}
	ws := 0
	for ws < len(data) && isSniffSpace(data[ws]) {
		ws++
	}
	for _, o := range htmlOpenings {
		if opensWith(data[ws:], o) {
			return TypeHTML
		}
	}
	for _, s := range signatures {
		d := data
		if s.skipWS {
			d = data[ws:]
		}
		if len(d) >= s.minLen && bytes.HasPrefix(d, []byte(s.prefix)) {
			return s.ct
		}
	}
	if len(data) >= 14 && string(data[:4]) == "RIFF" && string(data[8:14]) == "WEBPVP" {
		return "image/webp"
	}
	for _, b := range data[ws:] {
		if b <= 0x08 || b == 0x0B || (0x0E <= b && b <= 0x1A) || (0x1C <= b && b <= 0x1F) {
			return "application/octet-stream"
		}
	}
	return TypeText
}

// opensWith reports whether data opens with the HTML opening o, in any
// case, followed by a space or ">".
func opensWith(data []byte, o string) bool {
	if len(data) < len(o)+1 {
		return false
	}
	for i := 0; i < len(o); i++ {
		b := data[i]
		if 'A' <= o[i] && o[i] <= 'Z' {
			b &^= 0x20
		}
		if b != o[i] {
			return false
		}
	}
	return data[len(o)] == ' ' || data[len(o)] == '>'
}

func isSniffSpace(b byte) bool {
	return b == '\t' || b == '\n' || b == '\x0c' || b == '\r' || b == ' '
}
