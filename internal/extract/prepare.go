package extract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"mime"
	"strings"

	"github.com/andybalholm/cascadia"
)

// ReadingVersion names the rules by which this package reads a page. It is
// part of every Prepared.Key: raise it with any change that makes a page
// read otherwise (the walk, the clause rules, Normalize, the selection
// scan), so that pages recorded under the old rules are read again.
const ReadingVersion = 1

// Prepared is a page made ready to read: decoded, and for HTML with
// selectors that a scan of its tags can match, its selection taken
// (streamSelect). Its Key says what the reading will see.
type Prepared struct {
	// Key is the SHA-256 (hex) of what Read reads and of the options it
	// reads it by: ReadingVersion, the selectors, removals, MinText and
	// Auto, the kind of page, and the selected bytes (the page's <title>
	// and its selected elements) or, when the selection cannot be taken
	// without the page's tree, the whole decoded page. Two pages with the
	// same Key read the same: the same Result, or the same error. "" when
	// a selector does not compile (Read says which).
	//
	// When the selection gives no content by any selector, Read reads the
	// whole page instead (to find the content without selectors, or to
	// say what each selector gave), so what it read is more than the
	// selection: Read then sets Key to the whole page's. A key recorded
	// after Read always stands for what was read.
	Key string

	opts       Options
	text       bool // a plain-text or markdown copy
	decoded    []byte
	mini       []byte // streamSelect's page, nil when the whole page must be parsed
	sels, rems []cascadia.Selector
	err        error
}

// Prepare makes raw, of the given content type, ready to read by opts, as
// Page reads it: Page is Prepare(…).Read(ctx).
func Prepare(raw []byte, contentType string, opts Options) *Prepared {
	if opts.Charset == "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			opts.Charset = params["charset"]
		}
	}
	p := &Prepared{opts: opts}
	ct := strings.ToLower(contentType)
	p.text = strings.HasPrefix(ct, "text/plain") || strings.HasPrefix(ct, "text/markdown")
	switch {
	case p.text:
		p.decoded = decodeText(raw, opts.Charset)
		p.Key = p.key("text", p.decoded)
	default:
		p.prepareHTML(raw, true)
	}
	return p
}

// prepareHTML makes an HTML page ready to read: its selectors compiled, the
// page decoded and, when stream is set and its selectors allow it, its
// selection taken from the scan of its tags (streamSelect).
func (p *Prepared) prepareHTML(raw []byte, stream bool) {
	if p.sels, p.err = compile("select", p.opts.Select); p.err != nil {
		return
	}
	if p.rems, p.err = compile("remove", p.opts.Remove); p.err != nil {
		return
	}
	p.decoded = decode(raw, p.opts.Charset)
	if stream && len(p.sels) > 0 {
		p.mini, _ = streamSelect(p.decoded, p.opts.Select, p.sels)
	}
	if p.mini != nil {
		p.Key = p.key("selection", p.mini)
	} else {
		p.Key = p.key("page", p.decoded)
	}
}

// key hashes the options of the reading and the bytes it reads, named by
// what they are.
func (p *Prepared) key(what string, b []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "clausewatch reading %d\nmin-text %d\nauto %t\n", ReadingVersion, p.opts.MinText, p.opts.Auto)
	field(h, "select", p.opts.Select)
	field(h, "remove", p.opts.Remove)
	blob(h, what, b)
	return hex.EncodeToString(h.Sum(nil))
}

// field writes a named list of strings to h, each length-prefixed, so that
// no two different lists write the same bytes.
func field(h hash.Hash, name string, vals []string) {
	fmt.Fprintf(h, "%s %d\n", name, len(vals))
	for _, v := range vals {
		fmt.Fprintf(h, "%d:", len(v))
		h.Write([]byte(v))
		h.Write([]byte{'\n'})
	}
}

// blob writes named bytes to h, length-prefixed.
func blob(h hash.Hash, name string, b []byte) {
	fmt.Fprintf(h, "%s %d:", name, len(b))
	h.Write(b)
}

// Read reads the prepared page: plain text and markdown line by line with
// ExtractText (MethodText), HTML as Extract does. It stops with ctx's
// error when ctx is done; a page past MaxClauses or MaxText is an error
// wrapping ErrTooLarge.
func (p *Prepared) Read(ctx context.Context) (Result, error) {
	if p.err != nil {
		return Result{}, p.err
	}
	if p.text {
		doc, err := extractText(ctx, string(p.decoded))
		if err != nil {
			return Result{}, err
		}
		if len(doc.Clauses) == 0 {
			return Result{}, fmt.Errorf("%w: the text file holds no text", ErrNoContent)
		}
		return Result{Document: doc, Method: MethodText}, nil
	}
	if p.mini != nil {
		if x, final, err := extractFrom(ctx, p.mini, p.opts, p.sels, p.rems); final {
			return x, err
		}
		p.Key = p.key("page", p.decoded) // read whole: see Key
	}
	x, _, err := extractFrom(ctx, p.decoded, p.opts, p.sels, p.rems)
	return x, err
}
