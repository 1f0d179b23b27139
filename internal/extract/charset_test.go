package extract

import (
	"context"
	"strings"
	"testing"
)

// latin1 encodes s (runes below 256 only) as ISO-8859-1.
func latin1(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}

// A charset given only in the HTTP Content-Type header decodes the page
// when the page declares none; a page's own declaration still wins.
func TestPageCharsetFromHeader(t *testing.T) {
	const text = "Nous conservons vos données pendant trente jours, à compter de la clôture du compte."
	html := func(meta string) string {
		return `<!DOCTYPE html><html><head>` + meta + `<title>Conditions</title></head><body><main><h1>Conditions générales</h1><h2>Durée de conservation</h2><p>` + text + `</p></main></body></html>`
	}
	opts := Options{Select: []string{"main"}, MinText: -1}
	tests := []struct {
		name, contentType string
		raw               []byte
	}{
		{"html, latin-1 by the header only", "text/html; charset=ISO-8859-1", latin1(html(""))},
		{"html, windows-1252 by the header only", "text/html; charset=windows-1252", latin1(html(""))},
		{"html, utf-8 by the header", "text/html; charset=utf-8", []byte(html(""))},
		{"html, no charset anywhere", "text/html", []byte(html(""))},
		{"html, meta wins over the header", "text/html; charset=iso-8859-1", []byte(html(`<meta charset="utf-8">`))},
		{"html, meta latin-1, header silent", "text/html", latin1(html(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`))},
		{"html, utf-8 byte-order mark wins", "text/html; charset=iso-8859-1", append([]byte("\xEF\xBB\xBF"), html("")...)},
		{"text, latin-1 by the header", "text/plain; charset=iso-8859-1", latin1("Conditions générales\n\n" + text + "\n")},
		{"text, utf-8 byte-order mark wins", "text/plain; charset=iso-8859-1", append([]byte("\xEF\xBB\xBF"), "Conditions générales\n\n"+text+"\n"...)},
		{"html, unknown charset label read as utf-8", "text/html; charset=x-no-such", []byte(html(""))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Page(context.Background(), tt.raw, tt.contentType, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Document.Text()
			if !strings.Contains(got, text) {
				t.Errorf("text does not hold the sentence as written:\n%s", got)
			}
			if strings.ContainsRune(got, '\uFFFD') || strings.Contains(got, "Ã") {
				t.Errorf("text is mis-decoded:\n%s", got)
			}
		})
	}
}
