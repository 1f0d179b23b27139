package textesc

import "testing"

func TestTerminal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a\nb\r\nc\td", "a b  c d"},
		{"\x1b[31mred\x1b[0m", "\uFFFD[31mred\uFFFD[0m"},
		{"bell\a and del\x7f", "bell\uFFFD and del\uFFFD"},
		{"\u009b31m (C1 CSI)", "\uFFFD31m (C1 CSI)"},
		{"<b>&</b>", "<b>&</b>"},
	} {
		if got := Terminal(tc.in); got != tc.want {
			t.Errorf("Terminal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{`<script>alert("x")</script>`, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"},
		{"it's & more", "it&#39;s &amp; more"},
		{"&amp;", "&amp;amp;"},
		{"line\nbreak\x1b]0;title\a", "line break\uFFFD]0;title\uFFFD"},
	} {
		if got := HTML(tc.in); got != tc.want {
			t.Errorf("HTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain words", "plain words"},
		{"*x* _y_ [z](u) <b> a|b ~ ` & # \\", `\*x\* \_y\_ \[z\](u) \<b\> a\|b \~ \` + "`" + ` \& \# \\`},
		{"&copy; &lt;", `\&copy; \&lt;`},
		{"two\nlines\tand\x1b[1m", "two lines and\uFFFD\\[1m"},
		{"- not a list", "- not a list"}, // only at a line start: MarkdownLineStart
	} {
		if got := Markdown(tc.in); got != tc.want {
			t.Errorf("Markdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdownLineStart(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"text", "text"},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"=== rule", `\=== rule`},
		{"12. point", `12\. point`},
		{"3) point", `3\) point`},
		{"2026 was", "2026 was"},
		{"42", "42"},
	} {
		if got := MarkdownLineStart(tc.in); got != tc.want {
			t.Errorf("MarkdownLineStart(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
