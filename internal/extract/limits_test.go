package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// tinyParagraphs is a page of n short paragraphs under one heading, about
// size bytes when n is 0 (then as many as fit).
func tinyParagraphs(n, size int) []byte {
	var sb strings.Builder
	sb.WriteString("<html><body><main><h1>Terms</h1><h2>Everything</h2>")
	for i := 0; i < n || n == 0 && sb.Len() < size; i++ {
		fmt.Fprintf(&sb, "<p>Item %d holds.</p>", i)
	}
	sb.WriteString("</main></body></html>")
	return []byte(sb.String())
}

func TestMaxClauses(t *testing.T) {
	opts := Options{Select: []string{"main"}}
	x, err := Page(context.Background(), tinyParagraphs(MaxClauses, 0), "text/html", opts)
	if err != nil || len(x.Clauses) != MaxClauses {
		t.Fatalf("%d paragraphs: %d clauses, %v; want them all", MaxClauses, len(x.Clauses), err)
	}
	_, err = Page(context.Background(), tinyParagraphs(MaxClauses+1, 0), "text/html", opts)
	want := fmt.Sprintf(`select "main": %d clauses, more than the %d a page may make`, MaxClauses+1, MaxClauses)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), want) {
		t.Errorf("%d paragraphs: %v; want ErrTooLarge saying %q", MaxClauses+1, err, want)
	}
	// Without selectors (the body), and found without them (Auto): the
	// same refusal, never a fallback to another way of reading.
	for _, o := range []Options{{}, {Select: []string{"#gone"}, Auto: true}} {
		if _, err := Page(context.Background(), tinyParagraphs(MaxClauses+1, 0), "text/html", o); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%+v: %v; want ErrTooLarge", o, err)
		}
	}
	text := strings.Repeat("A line of our own text.\n\n", MaxClauses+1)
	if _, err := Page(context.Background(), []byte(text), "text/plain", opts); !errors.Is(err, ErrTooLarge) {
		t.Errorf("text page: %v; want ErrTooLarge", err)
	}
}

func TestPageStopsOnContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	page := tinyParagraphs(4*checkEvery, 0)
	if _, err := Page(ctx, page, "text/html", Options{Select: []string{"main"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("html: %v; want context.Canceled", err)
	}
	text := strings.Repeat("A line of our own text.\n\n", 4*checkEvery)
	if _, err := Page(ctx, []byte(text), "text/plain", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("text: %v; want context.Canceled", err)
	}
}

// TestManyEmptyElements: a paragraph of many adjacent empty elements reads
// as its text (and, see BenchmarkExtract, in linear time).
func TestManyEmptyElements(t *testing.T) {
	page := "<main><p><span>Effective May 1</span>" + strings.Repeat("<span></span>", 50_000) +
		"<a>Archive</a> of our own terms, long enough to be the content of a page that someone declared.</p></main>"
	x, err := Extract([]byte(page), Options{Select: []string{"main"}, MinText: -1})
	if err != nil {
		t.Fatal(err)
	}
	want := "Effective May 1 Archive of our own terms, long enough to be the content of a page that someone declared."
	if len(x.Clauses) != 1 || x.Clauses[0].Text != want {
		t.Errorf("clauses = %+v, want one: %q", x.Clauses, want)
	}
}

// TestDeepListsPathCap: lists nested hundreds deep give clauses whose
// heading paths stop growing at maxPathDepth.
func TestDeepListsPathCap(t *testing.T) {
	const depth = 200 // the HTML parser refuses more than 512 open elements
	page := "<main>" + strings.Repeat("<ul><li>Our item", depth) + strings.Repeat("</li></ul>", depth) + "</main>"
	x, err := Extract([]byte(page), Options{Select: []string{"main"}, MinText: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Clauses) != depth {
		t.Fatalf("%d clauses, want %d", len(x.Clauses), depth)
	}
	for _, c := range x.Clauses {
		if len(c.Path) > maxPathDepth {
			t.Fatalf("path of %d elements, want at most %d", len(c.Path), maxPathDepth)
		}
	}
	if last := x.Clauses[depth-1]; len(last.Path) != maxPathDepth {
		t.Errorf("deepest path has %d elements, want %d", len(last.Path), maxPathDepth)
	}
}

func TestMaxText(t *testing.T) {
	para := strings.Repeat("Our own words, said again and again. ", 1000) // ~37 KB
	n := MaxText/len(para) + 2
	page := "<main><h1>Terms</h1>" + strings.Repeat("<p>"+para+"</p>", n) + "</main>"
	_, err := Page(context.Background(), []byte(page), "text/html", Options{Select: []string{"main"}})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("more than the %d a page may hold", MaxText)) {
		t.Errorf("%d paragraphs of %d bytes: %v; want ErrTooLarge naming the cap", n, len(para), err)
	}
	page = "<main><h1>Terms</h1>" + strings.Repeat("<p>"+para+"</p>", n-4) + "</main>"
	if _, err := Page(context.Background(), []byte(page), "text/html", Options{Select: []string{"main"}}); err != nil {
		t.Errorf("under the cap: %v", err)
	}
}
