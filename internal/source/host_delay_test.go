package source

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestHostDelay: host_delay on the vendor sets the pause of each of its
// documents; one on a document sets that document's; none leaves 0 (the
// run's --host-delay).
func TestHostDelay(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want map[string]time.Duration
	}{
		{"none", valid, map[string]time.Duration{"acme-terms": 0, "acme-business": 0}},
		{"on the vendor", strings.Replace(valid, "name: Acme AI\n", "name: Acme AI\nhost_delay: 2s\n", 1),
			map[string]time.Duration{"acme-terms": 2 * time.Second, "acme-business": 2 * time.Second}},
		{"on a document", strings.Replace(valid, "    render: browser\n", "    render: browser\n    host_delay: 1m30s\n", 1),
			map[string]time.Duration{"acme-terms": 0, "acme-business": 90 * time.Second}},
		{"the document's over the vendor's", strings.Replace(strings.Replace(valid, "name: Acme AI\n", "name: Acme AI\nhost_delay: 2s\n", 1),
			"    render: browser\n", "    render: browser\n    host_delay: 500ms\n", 1),
			map[string]time.Duration{"acme-terms": 2 * time.Second, "acme-business": 500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vendors, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(tt.yaml)}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]time.Duration{}
			for _, s := range vendors[0].Sources {
				got[s.ID] = s.HostDelay
			}
			for id, want := range tt.want {
				if got[id] != want {
					t.Errorf("%s: host delay %s, want %s", id, got[id], want)
				}
			}
		})
	}
}

func TestHostDelayErrors(t *testing.T) {
	onVendor := func(v string) string {
		return strings.Replace(valid, "name: Acme AI\n", "name: Acme AI\nhost_delay: "+v+"\n", 1)
	}
	onDoc := func(v string) string {
		return strings.Replace(valid, "    render: browser\n", "    render: browser\n    host_delay: "+v+"\n", 1)
	}
	tests := []struct {
		name string
		yaml string
		want string // "LINE: FIELD…" after "sources/acme.yaml:"
		err  error
	}{
		{"no unit", onVendor("2"), `3: host_delay: invalid host delay "2"`, ErrInvalidDelay},
		{"not a duration", onVendor("soon"), `3: host_delay: invalid host delay "soon"`, ErrInvalidDelay},
		{"negative", onDoc("-1s"), `19: documents[1].host_delay: invalid host delay "-1s": want more than 0s`, ErrInvalidDelay},
		{"zero", onDoc("0s"), `19: documents[1].host_delay: invalid host delay "0s"`, ErrInvalidDelay},
		{"too long", onDoc("1h"), `19: documents[1].host_delay: invalid host delay "1h": want more than 0s and at most 10m0s`, ErrInvalidDelay},
		{"empty", onVendor(`""`), "3: host_delay", ErrEmpty},
		{"a list", onVendor("[1s]"), "3: host_delay", ErrType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"acme.yaml": {Data: []byte(tt.yaml)}})
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want one wrapping %v", err, tt.err)
			}
			if want := "sources/acme.yaml:" + tt.want; !hasLinePrefix(err.Error(), want) {
				t.Errorf("no line of the error starts with %q:\n%v", want, err)
			}
		})
	}
}
