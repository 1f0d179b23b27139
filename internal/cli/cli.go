// Package cli implements the clausewatch command line: it is the only
// package that reads flags and environment variables, and it builds each
// other package's options from them.
package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch"
	"github.com/clausewatch/clausewatch/internal/baseline"
	"github.com/clausewatch/clausewatch/internal/chat"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// Exit codes, for cron and scripts.
const (
	ExitOK      = 0 // ran and found nothing notable
	ExitFailure = 1 // an error
	ExitUsage   = 2 // a usage error (bad flag or argument)
	ExitChanges = 3 // ran and found changes (events of severity low or above)
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// ExitError carries an exit code with an error (or with none, for exit 3).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode returns the exit code for err: 0 for nil, the code of an
// *ExitError, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFailure
}

func usageErr(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// Env is everything the commands take from the process, so that tests can
// run them in-process with fake time, pages and terminals.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	Getenv         func(string) string
	Now            func() time.Time
	HTTPClient     *http.Client // nil: the fetch package builds its own
	Terminal       bool         // stderr is a terminal: show progress there
	Color          bool         // stdout is a terminal (and NO_COLOR unset): colour the diffs
	BrowserPath    string       // optional chromium path
	// Sleep waits for d or until ctx is done (nil: a real timer); watch
	// uses it, so tests can run a loop without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// ChatSend sends a chat outlet's message (nil: chat.Sender{}.Send,
	// through the service named by the URL).
	ChatSend func(ctx context.Context, rawURL string, m chat.Message) error
}

// globals are the flags every command takes.
type globals struct {
	db      string
	dbEmpty bool // --db '' was given: a usage error for the commands that open the database
	sources string
	format  string
	browser string // --browser: the Chromium executable for render: browser pages
}

type command struct {
	name     string
	summary  string
	usage    string // synopsis after "clausewatch "
	help     string // long help with examples
	run      func(ctx context.Context, app *app, fs *flag.FlagSet, args []string) error
	flags    func(fs *flag.FlagSet, app *app)
	noDB     bool // does not open the database
	readOnly bool // only reads the database: a missing one is an error, not created
	formats  []string
	mutating bool // takes the run lock
}

// app is the state of one invocation.
type app struct {
	env  Env
	g    globals
	wait bool // --wait: wait for the run lock instead of exiting

	db        *store.DB
	vendors   []terms.Vendor
	baselines []baseline.Baseline
}

func commands() []*command {
	return []*command{
		checkCmd(), recheckCmd(), importCmd(), changesCmd(), statusCmd(), historyCmd(), diffCmd(),
		explainCmd(), tryCmd(), notifyCmd(), watchCmd(), sourcesCmd(), reprocessCmd(), baselineCmd(), siteCmd(), versionCmd(),
	}
}

// Run runs the clausewatch command line with args (without the program
// name) and returns an error whose ExitCode is the process's exit status.
func Run(ctx context.Context, args []string, env Env) error {
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	a := &app{env: env}
	// The environment gives the defaults of --sources and --browser, read
	// once here so that an explicit --sources '' still means the built-in
	// declarations.
	a.g.sources = env.Getenv(sourcesEnv)
	a.g.browser = cmp.Or(env.Getenv(browserEnv), env.BrowserPath)
	c, fs, cargs, err := a.parse(args)
	if c == nil || err != nil {
		return err // help was printed, or a usage error
	}
	if err := a.loadSources(); err != nil {
		return err
	}
	if !c.noDB {
		if a.g.dbEmpty {
			return usageErr("%s: --db needs a path (leave --db out for $CLAUSEWATCH_DB or snapshots/clausewatch.db)", c.name)
		}
		release, err := a.openDB(ctx, c)
		if err != nil {
			return err
		}
		defer release()
	}
	return c.run(ctx, a, fs, cargs)
}

// parse reads the global flags, the command name and the command's flags.
// It returns a nil command when it printed help instead.
func (a *app) parse(args []string) (*command, *flag.FlagSet, []string, error) {
	// Global flags may come before the command name.
	gfs := flag.NewFlagSet("clausewatch", flag.ContinueOnError)
	gfs.SetOutput(io.Discard)
	a.globalFlags(gfs)
	showVersion := gfs.Bool("version", false, "print the version and exit")
	if err := gfs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(a.env.Stdout, mainHelp())
			return nil, nil, nil, nil
		}
		return nil, nil, nil, usageErr("%v\n\nRun 'clausewatch help' for usage.", err)
	}
	if *showVersion {
		fmt.Fprintf(a.env.Stdout, "clausewatch %s\n", version())
		return nil, nil, nil, nil
	}
	rest := gfs.Args()
	if len(rest) == 0 {
		fmt.Fprint(a.env.Stderr, mainHelp())
		return nil, nil, nil, &ExitError{Code: ExitUsage, Err: errors.New("no command given")}
	}
	name := rest[0]
	if name == "help" || name == "-h" || name == "--help" {
		return nil, nil, nil, a.help(rest[1:])
	}
	c := find(name)
	if c == nil {
		return nil, nil, nil, usageErr("unknown command %q\n\nRun 'clausewatch help' for the list.", name)
	}
	fs := flag.NewFlagSet("clausewatch "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.globalFlags(fs)
	a.commandFlags(fs, c)
	cargs, err := parseInterspersed(fs, rest[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(a.env.Stdout, commandHelp(c))
			return nil, nil, nil, nil
		}
		return nil, nil, nil, usageErr("%s: %v\n\nRun 'clausewatch help %s' for usage.", c.name, err, c.name)
	}
	if a.g.format != "" && len(c.formats) > 0 && !contains(c.formats, a.g.format) {
		return nil, nil, nil, usageErr("%s: --format %q is not supported (use %s)", c.name, a.g.format, strings.Join(c.formats, ", "))
	}
	if a.g.format == "" {
		a.g.format = "text"
	}
	return c, fs, cargs, nil
}

// help prints the main help, or the help of the command named in args.
func (a *app) help(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.env.Stdout, mainHelp())
		return nil
	}
	c := find(args[0])
	if c == nil {
		return usageErr("unknown command %q\n\nRun 'clausewatch help' for the list.", args[0])
	}
	fmt.Fprint(a.env.Stdout, commandHelp(c))
	return nil
}

// openDB opens the database for command c (refusing a missing one for a
// read-only command) and takes the run lock when c writes; release closes
// both.
//
// A read-only command opens the database read-only: it creates nothing,
// and reads a file or directory it may not write.
func (a *app) openDB(ctx context.Context, c *command) (release func(), err error) {
	if _, err := os.Stat(a.g.db); c.readOnly && errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s: run 'clausewatch check' (or 'import') first, or pass --db", a.g.db)
	}
	db, err := store.Open(ctx, a.g.db, store.Options{Now: a.env.Now, ReadOnly: c.readOnly})
	if err != nil {
		return nil, damaged(err) // store.Open names the path
	}
	a.db = db
	if !c.mutating {
		return func() { db.Close() }, nil
	}
	unlock, err := db.Lock(ctx, a.wait)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w\n(another check is running; pass --wait to wait for it)", err)
	}
	return func() { unlock(); db.Close() }, nil
}

// damaged adds what to do to an error saying the database file is
// damaged (store.ErrCorrupt), and returns any other error as is.
func damaged(err error) error {
	if !errors.Is(err, store.ErrCorrupt) {
		return err
	}
	return fmt.Errorf("%w\nThe database is damaged, so nothing was fetched or written: restore it from a backup "+
		"(or move it aside and let the next check start a new one); the sqlite3 shell's .recover can salvage what is still readable", err)
}

// parseInterspersed parses flags that may appear after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (a *app) globalFlags(fs *flag.FlagSet) {
	def := a.env.Getenv("CLAUSEWATCH_DB")
	if def == "" {
		def = "snapshots/clausewatch.db"
	}
	if a.g.db == "" {
		a.g.db = def
	}
	fs.Var(dbFlag{&a.g.db, &a.g.dbEmpty}, "db", "SQLite database `path` (env CLAUSEWATCH_DB)")
	fs.StringVar(&a.g.sources, "sources", a.g.sources, "declarations `dir` replacing the ones built into the binary (env "+sourcesEnv+")")
	fs.StringVar(&a.g.browser, "browser", a.g.browser, "Chromium `path` for render: browser pages (env "+browserEnv+"; default: chromium on PATH)")
	fs.StringVar(&a.g.format, "format", a.g.format, "output `format`: text, markdown, html, json, csv or atom (per command)")
}

// dbFlag is --db. An empty value is recorded, not taken: it used to fall
// back to the default database without a word, and is now a usage error
// of every command that opens the database (Run).
type dbFlag struct {
	p     *string
	empty *bool
}

func (f dbFlag) String() string {
	if f.p == nil {
		return ""
	}
	return *f.p
}

func (f dbFlag) Set(v string) error {
	*f.empty = v == ""
	if v != "" {
		*f.p = v
	}
	return nil
}

// loadSources reads and validates the declarations and baselines.
func (a *app) loadSources() error {
	var fsys fs.FS
	var err error
	if a.g.sources != "" {
		from := "--sources"
		if a.g.sources == a.env.Getenv(sourcesEnv) {
			from = "$" + sourcesEnv
		}
		st, serr := os.Stat(a.g.sources)
		if serr != nil {
			return fmt.Errorf("%s: %w", from, serr)
		}
		if !st.IsDir() {
			return fmt.Errorf("%s %s: not a directory", from, a.g.sources)
		}
		a.vendors, err = source.LoadDir(a.g.sources)
		fsys = os.DirFS(a.g.sources)

	} else {
		fsys = clausewatch.Sources()
		a.vendors, err = source.Load(fsys)
		if err == nil {
			a.noticeOtherSources(fsys)
		}
	}
	if err != nil {
		return err
	}
	if _, serr := fs.Stat(fsys, "baselines"); serr == nil {
		a.baselines, err = baseline.Load(fsys, "baselines")
		if err != nil {
			if a.g.sources != "" {
				return fmt.Errorf("%s: %w", a.g.sources, err)
			}
			return err
		}
		for i := range a.baselines {
			if a.g.sources != "" {
				a.baselines[i].File = filepath.Join(a.g.sources, a.baselines[i].File)
			}
		}
	}
	var problems []error
	for _, b := range a.baselines {
		found := false
		for _, v := range a.vendors {
			if v.ID == b.Vendor {
				found = true
				if err := baseline.Validate(b, v); err != nil {
					problems = append(problems, err)
				}
			}
		}
		if !found {
			problems = append(problems, fmt.Errorf("%s: vendor %q is not declared by any file of the declarations", b.File, b.Vendor))
		}
	}
	return errors.Join(problems...)
}

// Environment variables of the declarations and the browser (the flags
// --sources and --browser win over them).
const (
	sourcesEnv = "CLAUSEWATCH_SOURCES"
	browserEnv = "CLAUSEWATCH_BROWSER"
)

// noticeOtherSources says on stderr, in one line, that the declarations
// built into the binary are read while a sources/ folder in the working
// directory or beside the database holds other ones (the folder an adopted
// baseline or an edited declaration sits in), and how to read that one.
func (a *app) noticeOtherSources(embedded fs.FS) {
	for _, dir := range []string{"sources", filepath.Join(filepath.Dir(a.g.db), "sources")} {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		if same, err := sameTree(embedded, os.DirFS(dir)); err == nil && same {
			return
		}
		fmt.Fprintf(a.env.Stderr, "clausewatch: reading the declarations built into the binary, not %s/, which differs from them (pass --sources %s or set %s=%s to read it)\n",
			dir, dir, sourcesEnv, dir)
		return
	}
}

// sameTree reports whether two folders hold the same YAML files with the
// same bytes.
func sameTree(x, y fs.FS) (bool, error) {
	files := func(fsys fs.FS) (map[string]string, error) {
		m := map[string]string{}
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" {
				return nil
			}
			b, err := fs.ReadFile(fsys, p)
			m[p] = string(b)
			return err
		})
		return m, err
	}
	mx, err := files(x)
	if err != nil {
		return false, err
	}
	my, err := files(y)
	if err != nil {
		return false, err
	}
	return maps.Equal(mx, my), nil
}

// documented returns vendor → tier → attribute → documented value.
func (a *app) documented() map[string]map[string]map[string]terms.Value {
	out := map[string]map[string]map[string]terms.Value{}
	for _, b := range a.baselines {
		out[b.Vendor] = b.Values()
	}
	return out
}

// sourceByID finds a declared source or returns a usage error listing ids.
func (a *app) sourceByID(id string) (terms.Source, error) {
	if _, s, ok := source.Find(a.vendors, id); ok {
		return s, nil
	}
	var ids []string
	for _, s := range source.All(a.vendors) {
		ids = append(ids, s.ID)
	}
	sort.Strings(ids)
	return terms.Source{}, usageErr("unknown source %q (declared: %s)", id, strings.Join(ids, ", "))
}

func find(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, strings.Split(s, ",")...); return nil }

// commandFlags registers a command's own flags, and --wait for the commands
// that take the run lock.
func (a *app) commandFlags(fs *flag.FlagSet, c *command) {
	if c.mutating {
		fs.BoolVar(&a.wait, "wait", false, "wait for a running check to finish instead of exiting")
	}
	if c.flags != nil {
		c.flags(fs, a)
	}
}

// eventKinds are the kinds of DESIGN.md, for --kind.
var eventKinds = []string{terms.ValueChanged, terms.BaselineDrift, terms.EvidenceLost, terms.ClauseChanged,
	terms.DocumentChanged, terms.FetchFailed, terms.ExtractionFailed, terms.ExtractionSuspect, terms.Recovered,
	terms.VariantChanged, terms.RuleChanged, terms.EvidenceFound, terms.DriftResolved}

// checkFilters turns a typo in a filter into a usage error naming the
// valid values, rather than an empty answer.
func (a *app) checkFilters(cmd string, vendors, tiers, attrs, kinds []string) error {
	var vendorIDs, tierIDs []string
	for _, v := range a.vendors {
		vendorIDs = append(vendorIDs, v.ID)
		for _, t := range v.Tiers {
			if !slices.Contains(tierIDs, t.ID) {
				tierIDs = append(tierIDs, t.ID)
			}
		}
	}
	check := func(flag string, given, valid []string) error {
		for _, g := range given {
			if !slices.Contains(valid, g) {
				return usageErr("%s: --%s %q: not one of %s", cmd, flag, g, strings.Join(valid, ", "))
			}
		}
		return nil
	}
	return errors.Join(check("vendor", vendors, vendorIDs), check("tier", tiers, tierIDs),
		check("attribute", attrs, terms.Attributes), check("kind", kinds, eventKinds))
}
