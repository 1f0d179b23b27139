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
	d, err := newSession(opts)
	if err != nil {
		return d.res, err
	}
	stopMail, err := d.startMailCatcher(ctx)
	if err != nil {
		return d.res, err
	}
	defer stopMail()
	stopSite, err := d.startSite()
	if err != nil {
		return d.res, err
	}
	defer stopSite()
	if err := d.writeMailConfig(); err != nil {
		return d.res, err
	}
	if err := d.walkTimeline(ctx); err != nil {
		return d.res, err
	}
	if err := d.showChanges(ctx); err != nil {
		return d.res, err
	}
	if err := d.showStatus(ctx); err != nil {
		return d.res, err
	}
	d.showEmail(ctx)
	if opts.Hold != nil {
		opts.Hold(ctx, d.res)
	}
	return d.res, ctx.Err()
}

// session is one demo run in progress: what Run was given, what it has
// started and what it has found so far.
type session struct {
	opts   Options
	out    io.Writer
	steps  []Step
	srcDir string   // the declarations rewritten onto the site
	global []string // --db and --sources, before every command
	notify []string // the check's email flags; empty without email
	mp     *Mailpit // the mail catcher; nil without one
	site   *Site
	seen   map[string]bool // event ids already reported by a step
	res    Result
}

// newSession fills in the defaults of opts (no output, the bundled
// timeline) and refuses an empty timeline.
func newSession(opts Options) (*session, error) {
	d := &session{opts: opts, out: opts.Out, steps: opts.Timeline, seen: map[string]bool{}}
	if d.out == nil {
		d.out = io.Discard
	}
	if d.steps == nil {
		d.steps = Timeline()
	}
	if len(d.steps) == 0 {
		return d, errors.New("demo: empty timeline")
	}
	d.srcDir = filepath.Join(opts.Dir, "sources")
	d.global = []string{"--db", filepath.Join(opts.Dir, "clausewatch.db"), "--sources", d.srcDir}
	return d, nil
}

// startMailCatcher starts mailpit when there is one and returns the
// function that stops it. Without mailpit, or when it cannot start, the
// demo goes on without email and says why; only the end of ctx is an
// error.
func (d *session) startMailCatcher(ctx context.Context) (stop func(), err error) {
	if d.opts.Mailpit == "" {
		d.skipEmail("mailpit not found; running without email (install it with: " + MailpitInstall + ")")
		return func() {}, nil
	}
	mp, err := StartMailpit(ctx, d.opts.Mailpit, d.opts.Dir)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d.skipEmail(fmt.Sprintf("mailpit could not start (%v); running without email", err))
		return func() {}, nil
	}
	d.mp = mp
	d.res.Email.Enabled = true
	d.res.Email.WebURL = mp.WebURL
	fmt.Fprintf(d.out, "Mail catcher: SMTP on 127.0.0.1:%d, web interface %s\n", mp.SMTPPort, mp.WebURL)
	return mp.Stop, nil
}

// skipEmail records and prints why the demo runs without email.
func (d *session) skipEmail(note string) {
	d.res.Email.Note = note
	fmt.Fprintf(d.out, "Email: %s\n", d.res.Email.Note)
}

// startSite listens on a free port of 127.0.0.1, copies the declarations
// onto it and serves the fixture pages of the first step; it returns the
// function that shuts the site down.
func (d *session) startSite() (stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo site: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	d.res.SiteURL = base
	urls, err := CopySources(d.opts.Sources, d.srcDir, base)
	if err != nil {
		ln.Close()
		return nil, err
	}
	d.site, err = NewSite(urls, d.steps[0].State)
	if err != nil {
		ln.Close()
		return nil, err
	}
	srv := &http.Server{Handler: d.site, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(d.out, "Fixture site: %s serving %d pages of our own wording; declarations rewritten into %s\n", base, len(urls), d.srcDir)
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}, nil
}

// writeMailConfig writes the mail settings for the mail catcher, when
// there is one, and turns on the check's email flags.
func (d *session) writeMailConfig() error {
	if !d.res.Email.Enabled {
		return nil
	}
	cfg := filepath.Join(d.opts.Dir, "notify.yaml")
	if err := os.WriteFile(cfg, []byte(mailConfig(d.mp.SMTPPort)), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", cfg, err)
	}
	d.notify = []string{"--notify", "--config", cfg}
	return nil
}

// walkTimeline runs every step of the timeline in turn.
func (d *session) walkTimeline(ctx context.Context) error {
	for i, st := range d.steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := d.runStep(ctx, i, st); err != nil {
			return err
		}
	}
	return nil
}

// runStep puts the site in the step's state, runs the check, shows what
// it printed and records the events it added.
func (d *session) runStep(ctx context.Context, i int, st Step) error {
	d.site.SetState(st.State)
	fmt.Fprintf(d.out, "\n── Step %s (%d/%d): %s\n", st.Name, i+1, len(d.steps), st.Narration)
	code, stdout, stderr := d.check(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	shown := "clausewatch check --host-delay 0 --retries 0"
	if len(d.notify) > 0 {
		shown += " --notify --config notify.yaml"
	}
	fmt.Fprintf(d.out, "$ %s   (exit %d)\n", shown, code)
	indent(d.out, stdout)
	indent(d.out, stderr)
	evs, err := events(ctx, d.opts.Clausewatch, d.global)
	if err != nil {
		return err
	}
	d.res.Steps = append(d.res.Steps, StepResult{Step: st, Exit: code, Events: d.newEvents(evs)})
	return nil
}

// check runs `clausewatch check`, with the email flags while email is on.
// A clausewatch that knows no --notify turns email off, and the check runs
// again without it.
func (d *session) check(ctx context.Context) (code int, stdout, stderr string) {
	code, stdout, stderr = d.runCheck(ctx)
	if len(d.notify) > 0 && code == 2 && notifyUnsupported(stderr) {
		d.res.Email.Enabled = false
		d.res.Email.Note = "this clausewatch has no --notify yet (" + firstLine(stderr) + "); running without email"
		fmt.Fprintf(d.out, "  (email skipped: %s)\n", d.res.Email.Note)
		d.notify = nil
		code, stdout, stderr = d.runCheck(ctx)
	}
	return code, stdout, stderr
}

// runCheck runs `clausewatch check` once with the current flags.
func (d *session) runCheck(ctx context.Context) (code int, stdout, stderr string) {
	args := append(append(d.command("check"), "--host-delay", "0", "--retries", "0"), d.notify...)
	var out, errOut bytes.Buffer
	code = d.opts.Clausewatch(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// newEvents returns the events of evs no earlier step reported, and
// remembers them.
func (d *session) newEvents(evs []terms.Event) []terms.Event {
	var fresh []terms.Event
	for _, e := range evs {
		if !d.seen[e.ID] {
			d.seen[e.ID] = true
			fresh = append(fresh, e)
		}
	}
	return fresh
}

// showChanges shows `clausewatch changes` and records every event.
func (d *session) showChanges(ctx context.Context) error {
	fmt.Fprintf(d.out, "\n── What changed: clausewatch changes\n")
	if err := show(ctx, d.out, d.opts.Clausewatch, d.command("changes")); err != nil {
		return err
	}
	var err error
	d.res.Changes, err = events(ctx, d.opts.Clausewatch, d.global)
	return err
}

// showStatus shows `clausewatch status` and records the matrix.
func (d *session) showStatus(ctx context.Context) error {
	fmt.Fprintf(d.out, "\n── Documented vs observed: clausewatch status\n")
	if err := show(ctx, d.out, d.opts.Clausewatch, d.command("status")); err != nil {
		return err
	}
	var err error
	d.res.Status, err = status(ctx, d.opts.Clausewatch, d.global)
	return err
}

// showEmail lists the messages the mail catcher received, oldest first,
// or says why there was no email.
func (d *session) showEmail(ctx context.Context) {
	fmt.Fprintf(d.out, "\n── Email\n")
	if !d.res.Email.Enabled {
		fmt.Fprintf(d.out, "  %s\n", d.res.Email.Note)
		return
	}
	msgs, err := waitMessages(ctx, d.mp)
	if err != nil {
		d.res.Email.Note = err.Error()
	}
	d.res.Email.Messages = msgs
	if len(msgs) == 0 {
		fmt.Fprintf(d.out, "  The mail catcher received no message.\n")
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		printMessage(d.out, msgs[i])
	}
	fmt.Fprintf(d.out, "  Read them at %s\n", d.mp.WebURL)
}

// printMessage prints one caught message: time, recipients, subject.
func printMessage(out io.Writer, m Message) {
	var to []string
	for _, a := range m.To {
		to = append(to, a.Address)
	}
	fmt.Fprintf(out, "  %s  to %s: %s\n", m.Created.Local().Format("15:04:05"), strings.Join(to, ", "), m.Subject)
}

// command returns the arguments of a clausewatch command: the global
// flags, then args.
func (d *session) command(args ...string) []string {
	return append(append([]string{}, d.global...), args...)
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
