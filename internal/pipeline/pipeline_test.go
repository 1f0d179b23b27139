package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/terms"
)

func TestExtractByContentType(t *testing.T) {
	src := terms.Source{ID: "s", Select: []string{"main"}}
	doc, err := Extract(context.Background(), src, "text/plain; charset=utf-8", []byte("# Title\n\nWe keep chats for 30 days.\n"))
	if err != nil || len(doc.Clauses) == 0 {
		t.Fatalf("text page: %v, %+v", err, doc)
	}
	if _, err := Extract(context.Background(), src, "text/markdown", []byte("\n\n")); !errors.Is(err, extract.ErrNoContent) {
		t.Errorf("empty text: %v, want ErrNoContent", err)
	}
	if _, err := Extract(context.Background(), src, "text/html", []byte("<html><body><div>app shell</div></body></html>")); !errors.Is(err, extract.ErrNoContent) {
		t.Errorf("HTML without main: %v, want ErrNoContent", err)
	}
}
