package diff

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/google/go-cmp/cmp"
)

// fixtureChanges has one change of every kind but unchanged, plus an
// unchanged clause that renderers must leave out.
func fixtureChanges(t *testing.T) []Change {
	t.Helper()
	before := []terms.Clause{
		para("Terms > Use", "We may use your chats to improve models."),
		para("Terms > Fees", "Plans renew monthly."),
		para("Terms > Old", "This clause goes away."),
		para("Terms > Law", "Local law applies."),
		para("Terms > Contact", "Write to us."),
	}
	after := []terms.Clause{
		para("Terms > Law", "Local law applies."),
		para("Terms > Use", "We will never use your chats to improve models."),
		para("Terms > Payments", "Plans renew monthly."),
		para("Terms > New", "A new clause."),
		para("Terms > Contact", "Write to us."),
	}
	cs := Clauses(before, after)
	want := []string{"moved 3->0", "changed 0->1", "changed 1->2", "removed 2->-1", "added -1->3", "unchanged 4->4"}
	if d := cmp.Diff(want, ops(cs)); d != "" {
		t.Fatalf("fixture alignment (-want +got):\n%s", d)
	}
	return cs
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name   string
		render func(w *strings.Builder, cs []Change) error
		want   string
	}{
		{
			name:   "text",
			render: func(w *strings.Builder, cs []Change) error { return RenderText(w, cs, false) },
			want: `moved: Terms > Law
  Local law applies.

changed: Terms > Use
  We [-may-]{+will never+} use your chats to improve models.

changed: Terms > Payments (was: Terms > Fees)
  Plans renew monthly.

removed: Terms > Old
  This clause goes away.

added: Terms > New
  A new clause.
`,
		},
		{
			name:   "text with color",
			render: func(w *strings.Builder, cs []Change) error { return RenderText(w, cs, true) },
			want: "\x1b[1;36mmoved:\x1b[0m Terms > Law\n  Local law applies.\n\n" +
				"\x1b[1;33mchanged:\x1b[0m Terms > Use\n  We \x1b[31;9mmay\x1b[0m\x1b[32;4mwill never\x1b[0m use your chats to improve models.\n\n" +
				"\x1b[1;33mchanged:\x1b[0m Terms > Payments (was: Terms > Fees)\n  Plans renew monthly.\n\n" +
				"\x1b[1;31mremoved:\x1b[0m Terms > Old\n  \x1b[31;9mThis clause goes away.\x1b[0m\n\n" +
				"\x1b[1;32madded:\x1b[0m Terms > New\n  \x1b[32;4mA new clause.\x1b[0m\n",
		},
		{
			name:   "markdown",
			render: func(w *strings.Builder, cs []Change) error { return RenderMarkdown(w, cs) },
			want: `**moved** Terms \> Law

Local law applies.

**changed** Terms \> Use

We ~~may~~ **will never** use your chats to improve models.

**changed** Terms \> Payments (was: Terms \> Fees)

Plans renew monthly.

**removed** Terms \> Old

This clause goes away.

**added** Terms \> New

A new clause.
`,
		},
		{
			name:   "html",
			render: func(w *strings.Builder, cs []Change) error { return RenderHTML(w, cs) },
			want: `<div class="clause-change moved">
<p class="clause-head"><span class="op">moved</span> <span class="path">Terms &gt; Law</span></p>
<p class="clause-text">Local law applies.</p>
</div>
<div class="clause-change changed">
<p class="clause-head"><span class="op">changed</span> <span class="path">Terms &gt; Use</span></p>
<p class="clause-text">We <del>may</del><ins>will never</ins> use your chats to improve models.</p>
</div>
<div class="clause-change changed">
<p class="clause-head"><span class="op">changed</span> <span class="path">Terms &gt; Payments</span> <span class="was">(was: Terms &gt; Fees)</span></p>
<p class="clause-text">Plans renew monthly.</p>
</div>
<div class="clause-change removed">
<p class="clause-head"><span class="op">removed</span> <span class="path">Terms &gt; Old</span></p>
<p class="clause-text"><del>This clause goes away.</del></p>
</div>
<div class="clause-change added">
<p class="clause-head"><span class="op">added</span> <span class="path">Terms &gt; New</span></p>
<p class="clause-text"><ins>A new clause.</ins></p>
</div>
`,
		},
	}
	cs := fixtureChanges(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.render(&b, cs); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, b.String()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestRenderNothingWhenUnchanged(t *testing.T) {
	doc := []terms.Clause{para("A", "Same."), para("B", "Same too.")}
	cs := Clauses(doc, doc)
	renderers := map[string]func(w *strings.Builder) error{
		"text":     func(w *strings.Builder) error { return RenderText(w, cs, true) },
		"markdown": func(w *strings.Builder) error { return RenderMarkdown(w, cs) },
		"html":     func(w *strings.Builder) error { return RenderHTML(w, cs) },
	}
	for name, r := range renderers {
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			if err := r(&b); err != nil {
				t.Fatal(err)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %q for unchanged documents", b.String())
			}
		})
	}
}

// hostileChanges is an alignment whose page text tries to inject markup,
// terminal escapes and markdown.
func hostileChanges() []Change {
	before := []terms.Clause{
		para(`Terms > <b onmouseover="x()">Bold</b>`, `Plain <script>alert(1)</script> text & "quotes" 'too'.`),
		para("Terms > Images", "Old image text."),
	}
	after := []terms.Clause{
		para(`Terms > <i>"Renamed"</i>`, `Plain <script>alert(2)</script> text & "quotes" 'too'.`),
		para("Terms > Images", "New <img src=x onerror=alert(1)> image \x1b[31mred\x1b[0m text."),
		para("Terms > Added", "*bold* _it_ [link](javascript:alert(1)) <u>tag</u> a|b ~~s~~ `code` &amp; #1"),
	}
	return Clauses(before, after)
}

func TestRenderHTMLEscapesHostileText(t *testing.T) {
	var b strings.Builder
	if err := RenderHTML(&b, hostileChanges()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// The only tags RenderHTML may write are its own.
	ourTags := regexp.MustCompile(`</?(div|p|span|del|ins)( class="[a-z -]+")?>`)
	rest := ourTags.ReplaceAllString(out, "")
	for _, bad := range []string{"<", ">", `"`, "'"} {
		if strings.Contains(rest, bad) {
			t.Errorf("raw %q survives outside our own tags:\n%s", bad, rest)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("ESC in html:\n%q", out)
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&#34;quotes&#34;", "&#39;too&#39;", "&amp;amp;", "&lt;b onmouseover=&#34;x()&#34;&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks escaped %q:\n%s", want, out)
		}
	}
	if got := RenderSegmentsHTML([]Segment{{Delete, "<script>"}, {Insert, `"><img>`}, {Equal, "&"}}); got != "<del>&lt;script&gt;</del><ins>&#34;&gt;&lt;img&gt;</ins>&amp;" {
		t.Errorf("RenderSegmentsHTML = %q", got)
	}
}

func TestRenderTextEscapes(t *testing.T) {
	cs := hostileChanges()
	t.Run("no color has no ESC byte", func(t *testing.T) {
		var b strings.Builder
		if err := RenderText(&b, cs, false); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(b.String(), 0x1b) {
			t.Errorf("ESC in uncolored output:\n%q", b.String())
		}
		if !strings.Contains(b.String(), "\uFFFD[31mred") {
			t.Errorf("page escape not replaced:\n%q", b.String())
		}
	})
	t.Run("color has ESC", func(t *testing.T) {
		var b strings.Builder
		if err := RenderText(&b, cs, true); err != nil {
			t.Fatal(err)
		}
		if !strings.ContainsRune(b.String(), 0x1b) {
			t.Errorf("no ESC in colored output:\n%q", b.String())
		}
		if strings.Contains(b.String(), "\x1b[31mred") {
			t.Errorf("page escape sequence passed through:\n%q", b.String())
		}
	})
	t.Run("line breaks folded", func(t *testing.T) {
		got := RenderSegmentsText([]Segment{{Equal, "a\nb\tc\r"}, {Insert, "d\x00"}}, false)
		if want := "a b c {+d\uFFFD+}"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestRenderSegmentsText(t *testing.T) {
	segs := []Segment{{Equal, "keep "}, {Delete, "old"}, {Insert, "new"}, {Equal, " end"}}
	tests := []struct {
		name  string
		color bool
		want  string
	}{
		{"plain", false, "keep [-old-]{+new+} end"},
		{"color", true, "keep \x1b[31;9mold\x1b[0m\x1b[32;4mnew\x1b[0m end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderSegmentsText(segs, tt.color); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderSegmentsMarkdown(t *testing.T) {
	tests := []struct {
		name string
		segs []Segment
		want string
	}{
		{"replacement gets a space", []Segment{{Equal, "a "}, {Delete, "b"}, {Insert, "c"}, {Equal, " d"}}, "a ~~b~~ **c** d"},
		{"edge whitespace outside markers", []Segment{{Equal, "a"}, {Insert, " b "}, {Equal, "c"}}, "a **b** c"},
		{"whitespace-only edit unmarked", []Segment{{Equal, "a"}, {Insert, " "}, {Equal, "b"}}, "a b"},
		{"special characters escaped", []Segment{{Equal, "*x* _y_ [z](u) <b> a|b ~ ` & # \\"}}, `\*x\* \_y\_ \[z\](u) \<b\> a\|b \~ \` + "`" + ` \& \# \\`},
		{"escaped inside markers", []Segment{{Delete, "*old*"}, {Insert, "<new>"}}, `~~\*old\*~~ **\<new\>**`},
		{"list marker at line start", []Segment{{Equal, "- item"}}, `\- item`},
		{"ordered list at line start", []Segment{{Equal, "12. item"}}, `12\. item`},
		{"plus at line start", []Segment{{Equal, "+1 more"}}, `\+1 more`},
		{"line breaks folded", []Segment{{Equal, "a\n\nb"}}, "a  b"},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderSegmentsMarkdown(tt.segs); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestRenderMarkdownEscapesHostileText(t *testing.T) {
	var b strings.Builder
	if err := RenderMarkdown(&b, hostileChanges()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`Plain \<script\>alert(~~1~~ **2**)\</script\> text \& "quotes" 'too'.`,
		`Terms \> \<i\>"Renamed"\</i\> (was: Terms \> \<b onmouseover="x()"\>Bold\</b\>)`,
		`\*bold\* \_it\_ \[link\](javascript:alert(1)) \<u\>tag\</u\> a\|b \~\~s\~\~ \` + "`code\\`" + ` \&amp; \#1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("ESC in markdown:\n%q", out)
	}
	if regexp.MustCompile(`[^\\][<&]`).MatchString(out) {
		t.Errorf("unescaped < or & in markdown:\n%s", out)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestRenderWriteError(t *testing.T) {
	cs := fixtureChanges(t)
	boom := errors.New("disk full")
	w := failingWriter{boom}
	tests := map[string]error{
		"text":     RenderText(w, cs, false),
		"markdown": RenderMarkdown(w, cs),
		"html":     RenderHTML(w, cs),
	}
	for name, err := range tests {
		t.Run(name, func(t *testing.T) {
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want wrapped %v", err, boom)
			}
			if !strings.HasPrefix(err.Error(), "render "+name+": ") {
				t.Errorf("err = %q, want the renderer named", err)
			}
		})
	}
}

func TestRenderHeadLine(t *testing.T) {
	tests := []struct {
		name          string
		before, after []terms.Clause
		want          string
	}{
		{
			name:   "no heading path",
			before: nil,
			after:  []terms.Clause{{Kind: terms.KindParagraph, Text: "Orphan text."}},
			want:   "added: (no heading)\n  Orphan text.\n",
		},
		{
			name:   "kind change noted",
			before: []terms.Clause{item("Terms > List", "An entry.")},
			after:  []terms.Clause{para("Terms > List", "An entry.")},
			want:   "changed: Terms > List (was: list-item)\n  An entry.\n",
		},
		{
			name:   "path and kind change noted",
			before: []terms.Clause{item("Terms > List", "An entry that stays the same.")},
			after:  []terms.Clause{para("Terms > Items", "An entry that stays the same.")},
			want:   "changed: Terms > Items (was: Terms > List, list-item)\n  An entry that stays the same.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := RenderText(&b, Clauses(tt.before, tt.after), false); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, b.String()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestSegOpString(t *testing.T) {
	for op, want := range map[SegOp]string{Equal: "equal", Insert: "insert", Delete: "delete", SegOp(7): "segop(7)"} {
		if got := op.String(); got != want {
			t.Errorf("SegOp(%d).String() = %q, want %q", int(op), got, want)
		}
	}
}
