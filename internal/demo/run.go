package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Clausewatch runs the clausewatch command line with args (without the
// program name), writing to stdout and stderr, and returns its exit code.
// Binary runs a built binary; a test may run the command line in-process.
type Clausewatch func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// Binary returns a Clausewatch that runs the executable at path as a child
// process, killed if ctx ends. A child that cannot be started reports
// exit code 1 with the reason on stderr.
func Binary(path string) Clausewatch {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		cmd := exec.CommandContext(ctx, path, args...)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee) && ee.ExitCode() >= 0:
			return ee.ExitCode()
		}
		fmt.Fprintf(stderr, "run %s: %v\n", path, err)
		return 1
	}
}

// BuildBinary builds ./cmd/clausewatch of the module at root into
// dir/clausewatch with the go command and returns its path; the go
// command's messages go to stderr.
func BuildBinary(ctx context.Context, root, dir string, stderr io.Writer) (string, error) {
	out := filepath.Join(dir, "clausewatch")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/clausewatch")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/clausewatch in %s: %w", root, err)
	}
	return out, nil
}

// Options configure Run.
type Options struct {
	Out         io.Writer   // narration and the commands' output
	Clausewatch Clausewatch // how to run clausewatch
	Sources     fs.FS       // the bundled sources/ directory (declarations and baselines)
	Dir         string      // an empty working directory: database, declarations, mail settings
	// Mailpit is the path of the mailpit binary; empty runs the demo
	// without email.
	Mailpit string
	// Timeline is the steps to run; nil runs Timeline().
	Timeline []Step
	// Hold, when set, is called with the result once everything is shown,
	// before the site and the mail catcher stop (res.Email.WebURL is the
	// catcher's web interface, "" without one). A terminal waits there for
	// the user.
	Hold func(ctx context.Context, res Result)
}

// Result is what a demo run produced.
type Result struct {
	SiteURL string // the fixture site's base URL (stopped when Run returns)
	Steps   []StepResult
	Changes []terms.Event // `clausewatch changes --format json` after the last step
	Status  []StatusRow   // `clausewatch status --format json` after the last step
	Email   Email
}

// StepResult is the outcome of one step's check.
type StepResult struct {
	Step   Step
	Exit   int           // the check's exit code
	Events []terms.Event // the events the check recorded
}

// StatusRow is one cell of `clausewatch status --format json`: the
// report's own row type, read back.
type StatusRow = report.Row

// Email is what happened to the email part of the demo.
type Email struct {
	Enabled  bool      // checks ran with --notify
	Note     string    // why email was skipped or failed, when it was
	WebURL   string    // the mail catcher's web interface
	Messages []Message // what the mail catcher received, newest first
}

// Run runs the demo: it starts the mail catcher (when opts.Mailpit is
// set) and the local site, copies the declarations onto the site, runs
// `clausewatch check` at each step of the timeline, then shows
// `clausewatch changes`, `clausewatch status` and the subjects of the
// emails caught. The site and the mail catcher are stopped before Run
// returns, whatever happens. Email problems (no mailpit, a clausewatch
// without --notify) are reported in Result.Email and never fail the run;
// an error is returned when the site, the declarations or a clausewatch
// command other than check cannot do their part, or when ctx ends.
func Run(ctx context.Context, opts Options) (Result, error) {
	var res Result
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	steps := opts.Timeline
	if steps == nil {
		steps = Timeline()
	}
	if len(steps) == 0 {
		return res, errors.New("demo: empty timeline")
	}

	// 1. The mail catcher.
	var mp *Mailpit
	if opts.Mailpit == "" {
		res.Email.Note = "mailpit not found; running without email (install it with: " + MailpitInstall + ")"
		fmt.Fprintf(out, "Email: %s\n", res.Email.Note)
	} else {
		var err error
		mp, err = StartMailpit(ctx, opts.Mailpit, opts.Dir)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Email.Note = fmt.Sprintf("mailpit could not start (%v); running without email", err)
			fmt.Fprintf(out, "Email: %s\n", res.Email.Note)
		} else {
			defer mp.Stop()
			res.Email.Enabled = true
			res.Email.WebURL = mp.WebURL
			fmt.Fprintf(out, "Mail catcher: SMTP on 127.0.0.1:%d, web interface %s\n", mp.SMTPPort, mp.WebURL)
		}
	}

	// 2. The local site.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, fmt.Errorf("demo site: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	res.SiteURL = base
	srcDir := filepath.Join(opts.Dir, "sources")
	urls, err := CopySources(opts.Sources, srcDir, base)
	if err != nil {
		ln.Close()
		return res, err
	}
	site, err := NewSite(urls, steps[0].State)
	if err != nil {
		ln.Close()
		return res, err
	}
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	fmt.Fprintf(out, "Fixture site: %s serving %d pages of our own wording; declarations rewritten into %s\n", base, len(urls), srcDir)

	db := filepath.Join(opts.Dir, "clausewatch.db")
	global := []string{"--db", db, "--sources", srcDir}
	notify := []string{}
	if res.Email.Enabled {
		cfg := filepath.Join(opts.Dir, "notify.yaml")
		if err := os.WriteFile(cfg, []byte(mailConfig(mp.SMTPPort)), 0o644); err != nil {
			return res, fmt.Errorf("write %s: %w", cfg, err)
		}
		notify = []string{"--notify", "--config", cfg}
	}

	// 3. The timeline.
	seen := map[string]bool{}
	for i, st := range steps {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		site.SetState(st.State)
		fmt.Fprintf(out, "\n── Step %s (%d/%d): %s\n", st.Name, i+1, len(steps), st.Narration)
		args := append(append(append([]string{}, global...), "check", "--host-delay", "0", "--retries", "0"), notify...)
		var stdout, stderr bytes.Buffer
		code := opts.Clausewatch(ctx, args, &stdout, &stderr)
		if len(notify) > 0 && code == 2 && notifyUnsupported(stderr.String()) {
			res.Email.Enabled = false
			res.Email.Note = "this clausewatch has no --notify yet (" + firstLine(stderr.String()) + "); running without email"
			fmt.Fprintf(out, "  (email skipped: %s)\n", res.Email.Note)
			notify = nil
			args = append(append([]string{}, global...), "check", "--host-delay", "0", "--retries", "0")
			stdout.Reset()
			stderr.Reset()
			code = opts.Clausewatch(ctx, args, &stdout, &stderr)
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		shown := "clausewatch check --host-delay 0 --retries 0"
		if len(notify) > 0 {
			shown += " --notify --config notify.yaml"
		}
		fmt.Fprintf(out, "$ %s   (exit %d)\n", shown, code)
		indent(out, stdout.String())
		indent(out, stderr.String())
		evs, err := events(ctx, opts.Clausewatch, global)
		if err != nil {
			return res, err
		}
		sr := StepResult{Step: st, Exit: code}
		for _, e := range evs {
			if !seen[e.ID] {
				seen[e.ID] = true
				sr.Events = append(sr.Events, e)
			}
		}
		res.Steps = append(res.Steps, sr)
	}

	// 4. The report and the matrix.
	fmt.Fprintf(out, "\n── What changed: clausewatch changes\n")
	if err := show(ctx, out, opts.Clausewatch, append(append([]string{}, global...), "changes")); err != nil {
		return res, err
	}
	if res.Changes, err = events(ctx, opts.Clausewatch, global); err != nil {
		return res, err
	}
	fmt.Fprintf(out, "\n── Documented vs observed: clausewatch status\n")
	if err := show(ctx, out, opts.Clausewatch, append(append([]string{}, global...), "status")); err != nil {
		return res, err
	}
	if res.Status, err = status(ctx, opts.Clausewatch, global); err != nil {
		return res, err
	}

	// 5. The email.
	fmt.Fprintf(out, "\n── Email\n")
	if res.Email.Enabled {
		msgs, err := waitMessages(ctx, mp)
		if err != nil {
			res.Email.Note = err.Error()
		}
		res.Email.Messages = msgs
		if len(msgs) == 0 {
			fmt.Fprintf(out, "  The mail catcher received no message.\n")
		}
		for i := len(msgs) - 1; i >= 0; i-- {
			m := msgs[i]
			var to []string
			for _, a := range m.To {
				to = append(to, a.Address)
			}
			fmt.Fprintf(out, "  %s  to %s: %s\n", m.Created.Local().Format("15:04:05"), strings.Join(to, ", "), m.Subject)
		}
		fmt.Fprintf(out, "  Read them at %s\n", mp.WebURL)
	} else {
		fmt.Fprintf(out, "  %s\n", res.Email.Note)
	}
	if opts.Hold != nil {
		opts.Hold(ctx, res)
	}
	return res, ctx.Err()
}

// mailConfig is the demo's mail settings: the local catcher, no TLS, one
// subscription for the maintainers of the privacy guide.
func mailConfig(smtpPort int) string {
	return fmt.Sprintf(`# Mail settings of the clausewatch demo: the local mail catcher.
smtp:
  host: 127.0.0.1
  port: %d
  tls: none
  from: clausewatch-demo@example.org
subscriptions:
  - name: privacy-guide
    to: [guide-maintainers@example.org]
    min_severity: high
`, smtpPort)
}

// notifyUnsupported reports whether a usage error says the check command
// knows no --notify or --config flag.
func notifyUnsupported(stderr string) bool {
	s := strings.ToLower(stderr)
	return (strings.Contains(s, "notify") || strings.Contains(s, "config")) &&
		(strings.Contains(s, "not defined") || strings.Contains(s, "unknown"))
}

// events returns every change event recorded so far.
func events(ctx context.Context, cw Clausewatch, global []string) ([]terms.Event, error) {
	var evs []terms.Event
	if err := runJSON(ctx, cw, append(append([]string{}, global...), "changes", "--format", "json"), &evs); err != nil {
		return nil, err
	}
	return evs, nil
}

// status returns the tier × attribute matrix.
func status(ctx context.Context, cw Clausewatch, global []string) ([]StatusRow, error) {
	var rows []StatusRow
	if err := runJSON(ctx, cw, append(append([]string{}, global...), "status", "--format", "json"), &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// runJSON runs a clausewatch command that prints JSON and decodes it.
func runJSON(ctx context.Context, cw Clausewatch, args []string, v any) error {
	var stdout, stderr bytes.Buffer
	if code := cw(ctx, args, &stdout, &stderr); code != 0 {
		return fmt.Errorf("clausewatch %s: exit %d: %s", strings.Join(args, " "), code, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(stdout.Bytes(), v); err != nil {
		return fmt.Errorf("clausewatch %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// show runs a clausewatch command and copies its output, indented.
func show(ctx context.Context, out io.Writer, cw Clausewatch, args []string) error {
	var stdout, stderr bytes.Buffer
	code := cw(ctx, args, &stdout, &stderr)
	indent(out, stdout.String())
	indent(out, stderr.String())
	if code != 0 && code != 3 {
		return fmt.Errorf("clausewatch %s: exit %d", strings.Join(args, " "), code)
	}
	return nil
}

// waitMessages lists the caught messages, giving the catcher up to two
// seconds to store the last one.
func waitMessages(ctx context.Context, mp *Mailpit) ([]Message, error) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		msgs, err := mp.Messages(ctx)
		if err != nil || len(msgs) > 0 || time.Now().After(deadline) {
			return msgs, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// indent copies text to out, two spaces before each line.
func indent(out io.Writer, text string) {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if line := strings.TrimRight(sc.Text(), " \t"); line != "" {
			fmt.Fprintf(out, "  %s\n", line)
		} else {
			fmt.Fprintln(out)
		}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
