package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/extract"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// inProcess runs the clausewatch command line in the test process, as
// cmd/clausewatch's main does, with an empty environment.
func inProcess(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := cli.Run(ctx, args, cli.Env{Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" }})
	code := cli.ExitCode(err)
	if err != nil && code != cli.ExitChanges {
		fmt.Fprintf(stderr, "clausewatch: %v\n", err)
	}
	return code
}

// anthropicSources returns the bundled anthropic declarations.
func anthropicSources(t *testing.T) []terms.Source {
	t.Helper()
	vs, err := source.Load(clausewatch.Sources())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.ID == Vendor {
			return v.Sources
		}
	}
	t.Fatalf("no %s declarations in the bundled sources", Vendor)
	return nil
}

// TestPages checks that every bundled anthropic source has a fixture page
// in every state of the timeline, that the page yields its declared
// content, and that noise never changes the extracted text.
func TestPages(t *testing.T) {
	for _, st := range Timeline() {
		pages := Pages(st.State)
		for _, src := range anthropicSources(t) {
			t.Run(st.Name+"/"+src.ID, func(t *testing.T) {
				p, ok := pages[src.ID]
				if !ok {
					t.Fatalf("no fixture page for declared source %s: add one to Pages", src.ID)
				}
				opts := extract.Options{Select: src.Select, Remove: src.Remove}
				pa, pb := p, p
				pa.Noise, pa.Epoch = 1, 0
				pb.Noise, pb.Epoch = 2, 5
				a, b := pa.HTML(), pb.HTML()
				if bytes.Equal(a, b) {
					t.Fatal("two renderings with different noise are byte-identical")
				}
				da, err := extract.Extract(a, opts)
				if err != nil {
					t.Fatalf("extract with %v: %v", src.Select, err)
				}
				db, err := extract.Extract(b, opts)
				if err != nil {
					t.Fatalf("extract with %v: %v", src.Select, err)
				}
				if da.Text() != db.Text() {
					t.Errorf("noise changed the extracted text:\n%s\n---\n%s", da.Text(), db.Text())
				}
				for _, noise := range []string{"Related Articles", "days ago", "Deutsch", "Did this page help", "contributors", "Get started"} {
					if strings.Contains(da.Text(), noise) {
						t.Errorf("extracted text holds page furniture %q:\n%s", noise, da.Text())
					}
				}
			})
		}
	}
}

func TestRewriteURL(t *testing.T) {
	const base = "http://127.0.0.1:8080"
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"path", "https://www.example.com/legal/terms", base + "/www.example.com/legal/terms", ""},
		{"host is lower-cased", "https://Docs.Example.com/a", base + "/docs.example.com/a", ""},
		{"query kept", "https://example.com/a?hl=en&gl=IE", base + "/example.com/a?hl=en&gl=IE", ""},
		{"no path", "https://example.com", base + "/example.com/", ""},
		{"no host", "/relative/path", "", "no host"},
		{"bad escape", "https://example.com/%zz", "", "invalid URL escape"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RewriteURL(base+"/", tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("RewriteURL(%q) = %q, %v; want error containing %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("RewriteURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestCopySources(t *testing.T) {
	const base = "http://127.0.0.1:9"
	t.Run("bundled", func(t *testing.T) {
		dir := t.TempDir()
		urls, err := CopySources(clausewatch.Sources(), dir, base)
		if err != nil {
			t.Fatal(err)
		}
		orig := anthropicSources(t)
		got, err := source.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != Vendor {
			t.Fatalf("copied vendors %v, want only %s", vendorIDs(got), Vendor)
		}
		if len(got[0].Sources) != len(orig) || len(urls) != len(orig) {
			t.Fatalf("copied %d sources (%d urls), want %d", len(got[0].Sources), len(urls), len(orig))
		}
		for i, s := range got[0].Sources {
			o := orig[i]
			want, _ := RewriteURL(base, o.URL)
			if s.URL != want || urls[s.ID] != o.URL {
				t.Errorf("%s: url %q (recorded %q), want %q (from %q)", s.ID, s.URL, urls[s.ID], want, o.URL)
			}
			if strings.Join(s.Select, "|") != strings.Join(o.Select, "|") || strings.Join(s.Remove, "|") != strings.Join(o.Remove, "|") ||
				strings.Join(s.Tiers, "|") != strings.Join(o.Tiers, "|") {
				t.Errorf("%s: selectors or tiers changed: %+v, want %+v", s.ID, s, o)
			}
		}
		vs, _ := source.Load(clausewatch.Sources())
		for _, v := range vs {
			if v.ID == Vendor && len(v.Rules) != len(got[0].Rules) {
				t.Errorf("copied %d rules, want %d", len(got[0].Rules), len(v.Rules))
			}
		}
		b1, err1 := fs.ReadFile(clausewatch.Sources(), "baselines/anthropic.yaml")
		b2, err2 := os.ReadFile(filepath.Join(dir, "baselines", "anthropic.yaml"))
		if err1 != nil || err2 != nil || !bytes.Equal(b1, b2) {
			t.Errorf("baseline not copied unchanged: %v, %v", err1, err2)
		}
	})
	decl := "vendor: %s\nname: X\ntiers:\n  - id: t\n    label: T\ndocuments:\n  - id: %s-terms\n    url: \"https://example.com/terms\"\n    tiers: [t]\n"
	for _, tc := range []struct {
		name string
		fsys fs.FS
		err  string
	}{
		{"no anthropic vendor", fstest.MapFS{"other.yaml": {Data: []byte(fmt.Sprintf(decl, "other", "other"))}}, `no source of vendor "anthropic"`},
		{"broken declaration", fstest.MapFS{"anthropic.yaml": {Data: []byte("vendor: anthropic\ntiers: [\n")}}, "anthropic.yaml"},
		{"empty directory", fstest.MapFS{}, "bundled declarations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CopySources(tc.fsys, t.TempDir(), base)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("CopySources: %v, want error containing %q", err, tc.err)
			}
		})
	}
	t.Run("quoted url", func(t *testing.T) {
		dir := t.TempDir()
		fsys := fstest.MapFS{"anthropic.yaml": {Data: []byte(fmt.Sprintf(decl, "anthropic", "anthropic"))}}
		if _, err := CopySources(fsys, dir, base); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "anthropic.yaml"))
		if !strings.Contains(string(b), `url: "`+base+`/example.com/terms"`) {
			t.Errorf("quoted url not rewritten in place:\n%s", b)
		}
	})
}

func vendorIDs(vs []terms.Vendor) []string {
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	return ids
}

func TestSite(t *testing.T) {
	site, err := NewSite(map[string]string{
		"anthropic-consumer-terms": "https://www.anthropic.com/legal/consumer-terms",
		"not-a-fixture":            "https://example.com/elsewhere",
	}, Initial())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	defer srv.Close()
	get := func(method, path string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	const page = "/www.anthropic.com/legal/consumer-terms"
	for _, tc := range []struct {
		name, method, path string
		status             int
	}{
		{"fixture page", http.MethodGet, page, 200},
		{"head", http.MethodHead, page, 200},
		{"unknown path", http.MethodGet, "/www.anthropic.com/legal/nothing", 404},
		{"declared but no fixture", http.MethodGet, "/example.com/elsewhere", 404},
		{"post", http.MethodPost, page, 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, _ := get(tc.method, tc.path); code != tc.status {
				t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, code, tc.status)
			}
		})
	}
	t.Run("fresh noise and state", func(t *testing.T) {
		_, ctype, a := get(http.MethodGet, page)
		_, _, b := get(http.MethodGet, page)
		if !strings.HasPrefix(ctype, "text/html") || a == b {
			t.Errorf("content type %q; two responses identical: %v", ctype, a == b)
		}
		if !strings.Contains(a, "unless you switch off") {
			t.Errorf("initial consumer terms lack the opt-out")
		}
		st := Initial()
		st.ConsumerTraining = TrainingAlways
		site.SetState(st)
		if _, _, c := get(http.MethodGet, page); strings.Contains(c, "unless you switch off") {
			t.Errorf("SetState did not change the page")
		}
	})
	t.Run("bad url", func(t *testing.T) {
		if _, err := NewSite(map[string]string{"x": "not a url"}, Initial()); err == nil || !strings.Contains(err.Error(), "source x") {
			t.Errorf("NewSite with a bad url: %v, want an error naming the source", err)
		}
	})
}

func TestFindMailpit(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty) // nothing on PATH
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	t.Run("absent", func(t *testing.T) {
		_, err := FindMailpit(context.Background(), env(map[string]string{"GOPATH": empty}))
		if !errors.Is(err, ErrNoMailpit) || !strings.Contains(err.Error(), MailpitInstall) {
			t.Errorf("FindMailpit: %v, want ErrNoMailpit with the install command", err)
		}
	})
	t.Run("in GOPATH bin", func(t *testing.T) {
		gopath := t.TempDir()
		bin := filepath.Join(gopath, "bin", "mailpit")
		os.MkdirAll(filepath.Dir(bin), 0o755)
		os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
		got, err := FindMailpit(context.Background(), env(map[string]string{"GOPATH": gopath}))
		if err != nil || got != bin {
			t.Errorf("FindMailpit = %q, %v; want %q", got, err, bin)
		}
	})
	t.Run("not executable", func(t *testing.T) {
		gobin := t.TempDir()
		os.WriteFile(filepath.Join(gobin, "mailpit"), []byte("data"), 0o644)
		if _, err := FindMailpit(context.Background(), env(map[string]string{"GOBIN": gobin, "GOPATH": empty})); !errors.Is(err, ErrNoMailpit) {
			t.Errorf("FindMailpit with a non-executable file: %v, want ErrNoMailpit", err)
		}
	})
}

func TestStartMailpitFails(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken-mailpit")
	os.WriteFile(broken, []byte("#!/bin/sh\necho 'cannot bind' >&2\nexit 1\n"), 0o755)
	for _, tc := range []struct{ name, bin, err string }{
		{"missing binary", filepath.Join(dir, "nothing"), "start"},
		{"exits at once", broken, "cannot bind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := StartMailpit(context.Background(), tc.bin, dir)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				m.Stop()
				t.Fatalf("StartMailpit: %v, want error containing %q", err, tc.err)
			}
		})
	}
}

// TestMailpit starts the real mail catcher, sends it one message over
// SMTP and reads it back through its API.
func TestMailpit(t *testing.T) {
	bin := findMailpit(t)
	if bin == "" {
		t.Skipf("mailpit not installed (%s)", MailpitInstall)
	}
	ctx := context.Background()
	m, err := StartMailpit(ctx, bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	msg := "From: a@example.org\r\nTo: b@example.org\r\nSubject: [clausewatch] hello\r\n\r\nbody\r\n"
	if err := smtp.SendMail(fmt.Sprintf("127.0.0.1:%d", m.SMTPPort), nil, "a@example.org", []string{"b@example.org"}, []byte(msg)); err != nil {
		t.Fatalf("send to mailpit: %v", err)
	}
	msgs, err := waitMessages(ctx, m)
	if err != nil || len(msgs) != 1 || msgs[0].Subject != "[clausewatch] hello" || len(msgs[0].To) != 1 || msgs[0].To[0].Address != "b@example.org" {
		t.Fatalf("messages %+v, %v; want the one sent", msgs, err)
	}
	m.Stop()
	if _, err := m.Messages(ctx); err == nil {
		t.Errorf("mailpit still answers after Stop")
	}
	m.Stop() // a second Stop is harmless
}

// findMailpit returns the mailpit binary or "" with the reason logged.
func findMailpit(t *testing.T) string {
	p, err := FindMailpit(context.Background(), os.Getenv)
	if err != nil {
		t.Logf("email part will skip: %v", err)
		return ""
	}
	return p
}

// TestDemo runs the whole demo in-process along the timeline and checks
// the report it produced: exactly the expected value-changed events (old
// → new, critical) at each change, nothing at all for noise, the drift in
// the status matrix, the email in the mail catcher (when mailpit is
// installed and clausewatch can notify), and nothing left running.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	res, err := Run(ctx, Options{
		Out: &out, Clausewatch: inProcess, Sources: clausewatch.Sources(),
		Dir: t.TempDir(), Mailpit: findMailpit(t),
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	defer func() {
		if t.Failed() {
			t.Logf("demo output:\n%s", out.String())
		}
	}()
	steps := Timeline()
	if len(res.Steps) != len(steps) {
		t.Fatalf("%d step results, want %d", len(res.Steps), len(steps))
	}
	for i, sr := range res.Steps {
		st := steps[i]
		t.Run("step "+st.Name, func(t *testing.T) {
			var got []string
			for _, e := range sr.Events {
				if st.First && e.Kind == terms.ValueChanged && e.Old == nil {
					continue // a first reading, not a change
				}
				if e.Kind == terms.ValueChanged {
					got = append(got, fmt.Sprintf("%s %s: %s -> %s (%s)", e.Tier, e.Attribute, e.Old, e.New, e.Severity))
				} else if !st.First && e.Kind != terms.BaselineDrift && e.Severity != terms.Info {
					got = append(got, fmt.Sprintf("unexpected %s %s %s %s: %s", e.Kind, e.Source, e.Tier, e.Attribute, e.Detail))
				}
			}
			var want []string
			for _, c := range st.Want {
				want = append(want, fmt.Sprintf("%s %s: %s -> %s (critical)", c.Tier, c.Attribute, c.Old, c.New))
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			wantExit := 3
			if len(st.Want) == 0 && !st.First {
				wantExit = 0
				if len(sr.Events) != 0 {
					t.Errorf("noise-only step raised %d events", len(sr.Events))
				}
			}
			if sr.Exit != wantExit {
				t.Errorf("check exit %d, want %d", sr.Exit, wantExit)
			}
		})
	}
	t.Run("status shows the drift", func(t *testing.T) {
		cells := map[string]StatusRow{}
		for _, r := range res.Status {
			cells[r.Tier+" "+r.Attribute] = r
		}
		for _, tc := range []struct {
			cell, observed string
			agrees         bool
		}{
			{"consumer training", "always", false},
			{"api retention", "batch=29, default=60, files=until-deleted, policy-violation=730", false},
			{"enterprise hipaa-baa", "not-available", false},
			{"team hipaa-baa", "not-available", true},
			{"consumer retention", "after-deletion=30, default=30, training-opt-in=1825", true},
			{"bedrock training", "never", true},
		} {
			r, ok := cells[tc.cell]
			if !ok || r.Observed == nil {
				t.Errorf("%s: not in the status matrix", tc.cell)
				continue
			}
			if r.Observed.String() != tc.observed || r.Agrees != tc.agrees {
				t.Errorf("%s: observed %s, agrees %v; want %s, %v", tc.cell, r.Observed, r.Agrees, tc.observed, tc.agrees)
			}
		}
	})
	t.Run("report shown", func(t *testing.T) {
		for _, s := range []string{"clausewatch changes", "opt-out → always", "clausewatch status", "DRIFT"} {
			if !strings.Contains(out.String(), s) {
				t.Errorf("demo output lacks %q", s)
			}
		}
	})
	t.Run("nothing left running", func(t *testing.T) {
		client := &http.Client{Timeout: 2 * time.Second}
		for _, u := range []string{res.SiteURL, res.Email.WebURL} {
			if u == "" {
				continue
			}
			if resp, err := client.Get(u + "/"); err == nil {
				resp.Body.Close()
				t.Errorf("%s still answers after Run returned", u)
			}
		}
	})
	t.Run("email", func(t *testing.T) {
		if res.Email.WebURL == "" {
			t.Skipf("no mail catcher: %s", res.Email.Note)
		}
		if !res.Email.Enabled {
			t.Skipf("email skipped: %s", res.Email.Note)
		}
		found := false
		for _, m := range res.Email.Messages {
			found = found || strings.HasPrefix(m.Subject, "[clausewatch]")
		}
		if !found {
			t.Errorf("no message with a subject starting with [clausewatch] in the mail catcher: %+v (%s)", res.Email.Messages, res.Email.Note)
		}
	})
}

// TestDemoInterrupted cancels the demo during its second check: Run
// returns the cancellation and stops the site and the mail catcher.
func TestDemoInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	checks := 0
	cw := func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		for _, a := range args {
			if a == "check" {
				if checks++; checks == 2 {
					cancel()
				}
			}
		}
		return inProcess(ctx, args, stdout, stderr)
	}
	res, err := Run(ctx, Options{Clausewatch: cw, Sources: clausewatch.Sources(), Dir: t.TempDir(), Mailpit: findMailpit(t)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v, want context.Canceled", err)
	}
	if len(res.Steps) > 1 {
		t.Errorf("%d steps ran after the cancellation", len(res.Steps)-1)
	}
	client := &http.Client{Timeout: 2 * time.Second}
	for _, u := range []string{res.SiteURL, res.Email.WebURL} {
		if u == "" {
			continue
		}
		if resp, err := client.Get(u + "/"); err == nil {
			resp.Body.Close()
			t.Errorf("%s still answers after an interrupted Run", u)
		}
	}
}
