// Package clausewatch embeds the bundled declarations of sources/ so that an
// installed binary works from any directory.
package clausewatch

import (
	"embed"
	"io/fs"
)

//go:embed sources
var bundled embed.FS

// Sources returns the bundled sources/ directory (declarations at its top
// level, documented baselines under baselines/).
func Sources() fs.FS {
	sub, err := fs.Sub(bundled, "sources")
	if err != nil {
		panic(err) // cannot happen: "sources" is a valid path embedded above
	}
	return sub
}
