package inputfile

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestRead(t *testing.T) {
	fsys := fstest.MapFS{
		"ok.yaml":   {Data: []byte("1234")},
		"big.yaml":  {Data: []byte("12345")},
		"pipe.yaml": {Mode: fs.ModeNamedPipe},
		"dir.yaml":  {Mode: fs.ModeDir},
	}
	tests := []struct {
		name string
		want error
	}{
		{"ok.yaml", nil},
		{"big.yaml", ErrTooLarge},
		{"pipe.yaml", ErrNotRegular},
		{"dir.yaml", ErrNotRegular},
		{"missing.yaml", fs.ErrNotExist},
	}
	for _, tt := range tests {
		data, err := Read(fsys, tt.name, 4)
		if !errors.Is(err, tt.want) || tt.want == nil && string(data) != "1234" {
			t.Errorf("Read(%s) = %q, %v; want %v", tt.name, data, err, tt.want)
		}
	}
}
