package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func mainHelp() string {
	var b bytes.Buffer
	fmt.Fprint(&b, `clausewatch watches AI vendors' terms, privacy and data-handling pages and
reports the changes that matter: a training default that flips, a retention
period that grows, a BAA or certification that disappears.

Usage:
  clausewatch [global flags] <command> [flags] [arguments]

Commands:
`)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(&b, `
Global flags (accepted by every command, before or after its name):
  --db PATH        SQLite database (default snapshots/clausewatch.db, or $CLAUSEWATCH_DB);
                   a relative path is relative to the working directory
  --sources DIR    declarations directory (default $CLAUSEWATCH_SOURCES, else the
                   declarations built into the binary); baseline adopt writes into it
  --browser PATH   Chromium for render: browser pages (default $CLAUSEWATCH_BROWSER,
                   else chromium, chromium-browser, google-chrome or headless-shell on PATH)
  --format F       output format: text, markdown, html, json, csv or atom (per command)
  --version        print the version and exit (before the command name)

A flag wins over its environment variable. When the built-in declarations are
read while a sources/ folder in the working directory or beside the database
differs from them, a one-line notice on stderr says how to read that folder.

Exit codes:
  0  ran and found nothing notable
  3  ran and found changes (events of severity low or above)
  1  an error (bad declaration, unreadable file, every source failed…)
  2  a usage error (bad flag or argument)

Examples:
  clausewatch check                         # fetch every declared page, record, compare
  clausewatch check --source anthropic-dpa  # just one source
  clausewatch changes --since 7d --format json
  clausewatch history anthropic-consumer-terms
  clausewatch diff anthropic-consumer-terms  # wording diff of the last two versions
  clausewatch explain anthropic-consumer-terms --attribute training   # how the page was read
  clausewatch --sources ./sources try --source acme-terms page.html  # the same, storing nothing

Run 'clausewatch help <command>' for a command's flags and examples.
`)
	return b.String()
}

func commandHelp(c *command) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Usage: clausewatch %s\n\n%s\n", c.usage, strings.TrimSpace(c.help))
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	a := &app{env: Env{Getenv: func(string) string { return "" }}}
	a.globalFlags(fs)
	a.commandFlags(fs, c)
	fmt.Fprint(&b, "\nFlags:\n")
	printDefaults(&b, fs)
	if len(c.formats) > 0 {
		fmt.Fprintf(&b, "\nFormats: %s\n", strings.Join(c.formats, ", "))
	}
	return b.String()
}

func printDefaults(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		arg := "--" + f.Name
		if name != "" {
			arg += " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			def = fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", arg, usage, def)
	})
	tw.Flush()
}
