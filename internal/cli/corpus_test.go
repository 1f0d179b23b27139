package cli_test

import (
	"os"
	"strings"
	"testing"
)

const corpusDir = "../../../shared/corpus"

// piece returns the text of piece n of a corpus text file.
func piece(t *testing.T, file string, n int) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(b), "\n## Piece ")
	if n >= len(parts) {
		t.Fatalf("%s has no piece %d", file, n)
	}
	_, text, ok := strings.Cut(parts[n], "~~~~text\n")
	if !ok {
		t.Fatalf("%s piece %d: no text block", file, n)
	}
	text, _, _ = strings.Cut(text, "\n~~~~")
	return text
}
