// Package inputfile reads the files a user hands clausewatch (declarations,
// documented baselines, a page to import): regular files only, and only up
// to a size, so that a named pipe, a device or a huge file under the
// expected name is one clear error instead of a stalled or exhausted run.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// MaxDeclaration is the largest declaration or baseline file read (4 MiB):
// the shipped ones are a few kilobytes each, so a file past it is a mistake
// (a page or an archive saved under the wrong name), never one to load.
const MaxDeclaration = 4 << 20

// ErrNotRegular and ErrTooLarge are why Read refuses a file.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file too large")
)

// Read reads the file name of fsys, at most max bytes, without ever
// opening what is not a regular file (the target of a symbolic link is
// what counts): a named pipe would block the read forever, a device such
// as /dev/zero would never end, a directory holds no text. A file larger
// than max is refused before it is read, and read through a limit anyway,
// so that a file growing under the read cannot exhaust memory either. The
// error wraps ErrNotRegular (naming the kind of file) or ErrTooLarge
// (naming the size and the limit); the caller names the file.
func Read(fsys fs.FS, name string, max int64) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w (%s)", ErrNotRegular, Kind(fi.Mode()))
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, fi.Size(), max)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes, the limit", ErrTooLarge, max)
	}
	return data, nil
}

// Kind names the kind of file mode m is, for messages: "a directory", "a
// named pipe", "a device", "a socket", "a regular file"…
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "an irregular file"
}
