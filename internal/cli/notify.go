package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/clausewatch/clausewatch/internal/deliver"
	"github.com/clausewatch/clausewatch/internal/notify"
	"github.com/clausewatch/clausewatch/internal/source"
	"github.com/clausewatch/clausewatch/internal/store"
)

// commandLineSubscription names the one subscription --mail-to makes.
const commandLineSubscription = "command-line"

// mailFlags are the mail settings flags of notify and check --notify. Zero
// values mean "not given".
type mailFlags struct {
	config string
	host   string
	port   int
	tls    string
	user   string
	from   string
	to     multi
}

func (m *mailFlags) register(fs *flag.FlagSet, a *app) {
	fs.StringVar(&m.config, "config", a.env.Getenv("CLAUSEWATCH_CONFIG"), "mail settings `file` (env CLAUSEWATCH_CONFIG)")
	fs.StringVar(&m.host, "smtp-host", "", "SMTP server `host` (overrides the settings file)")
	fs.IntVar(&m.port, "smtp-port", 0, "SMTP server `port` (default 587, 465 with --smtp-tls tls, 25 with none)")
	fs.StringVar(&m.tls, "smtp-tls", "", "SMTP encryption `mode`: starttls, tls or none (default starttls)")
	fs.StringVar(&m.user, "smtp-user", "", "SMTP AUTH `user`; the password comes from $CLAUSEWATCH_SMTP_PASSWORD")
	fs.StringVar(&m.from, "mail-from", "", "sender `address`")
	fs.Var(&m.to, "mail-to", "send one report of every change to this `address` (repeatable)")
}

// given reports whether any mail flag other than --config was given.
func (m *mailFlags) given() bool {
	return m.host != "" || m.port != 0 || m.tls != "" || m.user != "" || m.from != "" || len(m.to) > 0
}

// vendorTiers maps each declared vendor to its tier ids.
func (a *app) vendorTiers() map[string][]string {
	out := map[string][]string{}
	for _, v := range a.vendors {
		var tiers []string
		for _, t := range v.Tiers {
			tiers = append(tiers, t.ID)
		}
		out[v.ID] = tiers
	}
	return out
}

// mailConfig builds the mail settings from the settings file and the
// flags, which override the file's smtp section. --mail-to makes one
// unfiltered subscription; it is refused beside a file's subscriptions,
// whose pending events it would consume.
func (a *app) mailConfig(m *mailFlags) (*notify.Config, error) {
	var cfg *notify.Config
	switch {
	case m.config != "":
		var err error
		cfg, err = notify.LoadConfig(m.config, notify.LoadOptions{Getenv: a.env.Getenv, Vendors: a.vendorTiers()})
		if err != nil {
			return nil, err
		}
		if len(m.to) > 0 {
			return nil, usageErr("--mail-to cannot be combined with the subscriptions of %s: the one-off report would take their pending changes (pass --config '' to ignore the file)", m.config)
		}
	case !m.given():
		return nil, usageErr("no mail settings: pass --config FILE or set CLAUSEWATCH_CONFIG")
	default:
		cfg = &notify.Config{}
		cfg.SMTP.Password = a.env.Getenv(notify.DefaultPasswordEnv)
		switch {
		case m.host == "":
			return nil, usageErr("--smtp-host is required without a --config file")
		case m.from == "":
			return nil, usageErr("--mail-from is required without a --config file")
		case len(m.to) == 0:
			return nil, usageErr("--mail-to is required without a --config file")
		}
	}
	if err := m.override(cfg); err != nil {
		return nil, err
	}
	cfg.SMTP = cfg.SMTP.WithDefaults()
	if err := cfg.SMTP.Validate(); err != nil {
		where := "the command line"
		if m.config != "" {
			where = m.config + " with the command line"
		}
		return nil, fmt.Errorf("mail settings of %s: %w", where, err)
	}
	return cfg, nil
}

// override applies the mail flags over the settings file's smtp section;
// --mail-to makes the one unfiltered subscription.
func (m *mailFlags) override(cfg *notify.Config) error {
	s := &cfg.SMTP
	if m.host != "" {
		s.Host = m.host
	}
	if m.tls != "" {
		mode, err := notify.ParseTLSMode(m.tls)
		if err != nil {
			return usageErr("--smtp-tls: %v", err)
		}
		s.TLS = mode
	}
	if m.port != 0 {
		if m.port < 1 || m.port > 65535 {
			return usageErr("--smtp-port %d: want a port between 1 and 65535", m.port)
		}
		s.Port = m.port
	}
	if m.user != "" {
		s.User = m.user
	}
	if m.from != "" {
		if _, err := notify.ParseAddress(m.from); err != nil {
			return usageErr("--mail-from: %v", err)
		}
		s.From = m.from
	}
	if len(m.to) > 0 {
		sub := notify.Subscription{Name: commandLineSubscription, MinSeverity: "low", Digest: true}
		for _, to := range m.to {
			addr, err := notify.ParseAddress(to)
			if err != nil {
				return usageErr("--mail-to: %v", err)
			}
			sub.To = append(sub.To, addr)
		}
		cfg.Subscriptions = []notify.Subscription{sub}
	}
	return nil
}

// deliverer builds the delivery of cfg's reports through sender (nil for a
// dry run).
func (a *app) deliverer(cfg *notify.Config, sender notify.Sender) *deliver.Deliverer {
	ro := a.reportOptions()
	ro.Color = false
	return &deliver.Deliverer{
		Store: a.db, Sender: sender, From: cfg.SMTP.From, Subscriptions: cfg.Subscriptions, Report: ro,
		SourceVendor: func(id string) string {
			if v, _, ok := source.Find(a.vendors, id); ok {
				return v.ID
			}
			return ""
		},
	}
}

// sendReports queues the reports of the pending events, sends the outbox
// and prints what was sent and what is kept to w (nothing when quiet and
// there was nothing to do). It returns an error when a report could not be
// sent (it stays in the outbox) or the settings are unusable.
func (a *app) sendReports(ctx context.Context, m *mailFlags, w io.Writer, quiet bool) error {
	cfg, err := a.mailConfig(m)
	if err != nil {
		return err
	}
	sender, err := notify.NewSMTP(cfg.SMTP, notify.SMTPOptions{Now: a.env.Now})
	if err != nil {
		return err
	}
	q, f, err := a.deliverer(cfg, sender).Run(ctx)
	if !quiet || len(f.Sent)+len(f.Failed) > 0 || err != nil {
		printDelivery(w, q, f)
	}
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if n := len(f.Failed); n > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("notify: %d report%s not sent; kept in the outbox for the next run", n, plural(n))}
	}
	return nil
}

func printDelivery(w io.Writer, q deliver.Queued, f deliver.Flushed) {
	switch {
	case len(q.Messages) > 0:
		fmt.Fprintf(w, "Queued %d report%s for %d new event%s.\n", len(q.Messages), plural(len(q.Messages)), q.Events, plural(q.Events))
	case q.Events > 0:
		fmt.Fprintf(w, "%d new event%s, none for any subscription.\n", q.Events, plural(q.Events))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(status string, m store.OutboxMessage) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", status, m.Subscription, strings.Join(m.Recipients, ", "), m.Subject)
	}
	for _, m := range f.Sent {
		line("sent", m)
	}
	for _, fl := range f.Failed {
		line("kept", fl.Message)
		fmt.Fprintf(tw, "\t  attempt %d failed: %v\n", fl.Message.Attempts+1, fl.Err)
	}
	tw.Flush()
	if len(f.Sent)+len(f.Failed) == 0 {
		fmt.Fprintln(w, "No reports to send.")
		return
	}
	fmt.Fprintf(w, "%d sent, %d still pending in the outbox.\n", len(f.Sent), len(f.Failed))
}

// notifyAfterCheck runs the delivery of check --notify after the check's
// results were printed and recorded; its error was already printed to
// stderr and only turns the exit code into 1.
func (a *app) notifyAfterCheck(ctx context.Context, f *checkFlags) error {
	if !f.notify || ctx.Err() != nil {
		return nil
	}
	w := a.env.Stdout
	if a.g.format == "json" {
		w = a.env.Stderr // keep stdout one JSON document
	} else if !f.quiet {
		fmt.Fprintln(w)
	}
	err := a.sendReports(ctx, &f.mail, w, f.quiet)
	if err != nil {
		fmt.Fprintf(a.env.Stderr, "clausewatch: %v\n", err)
	}
	return err
}

// printDryRun prints what notify would send now, sending and recording
// nothing.
func (a *app) printDryRun(ctx context.Context, m *mailFlags) error {
	cfg, err := a.mailConfig(m)
	if err != nil {
		return err
	}
	w := a.env.Stdout
	pending, err := a.db.PendingOutbox(ctx)
	if err != nil {
		return err
	}
	msgs, err := a.deliverer(cfg, nil).Preview(ctx)
	if err != nil {
		return err
	}
	for _, p := range pending {
		note := "queued earlier, not sent yet"
		if p.LastError != "" {
			note = fmt.Sprintf("%d failed attempt%s, last: %s", p.Attempts, plural(p.Attempts), p.LastError)
		}
		printMessage(w, p.Subscription, note, notify.Message{From: cfg.SMTP.From, To: p.Recipients,
			Subject: p.Subject, Text: p.Text, ID: p.MessageID})
	}
	for _, c := range msgs {
		printMessage(w, c.Subscription, fmt.Sprintf("new, %d event%s", len(c.EventIDs), plural(len(c.EventIDs))), c.Message)
	}
	n := len(pending) + len(msgs)
	fmt.Fprintf(w, "Dry run: %d report%s would be sent; nothing was sent or recorded.\n", n, plural(n))
	return nil
}

func printMessage(w io.Writer, sub, note string, m notify.Message) {
	fmt.Fprintf(w, "=== report for subscription %s (%s)\nFrom: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n\n%s\n",
		sub, note, m.From, strings.Join(m.To, ", "), m.Subject, m.ID, strings.TrimRight(m.Text, "\n"))
	fmt.Fprintln(w)
}

func notifyCmd() *command {
	m := &mailFlags{}
	var dryRun bool
	return &command{
		name:     "notify",
		summary:  "email the reports of changes not reported yet",
		usage:    "notify [--config FILE] [--dry-run] [--smtp-host H --mail-from A --mail-to A]...",
		formats:  []string{"text"},
		mutating: true,
		help: `Emails the change events recorded since the last notify (by check, recheck
or import): one report per subscription whose filters match some of them,
critical first, each change with its sentence diff and page link, then a
short digest of informational changes. Each report is a plain-text and an
HTML part; page text is escaped in the HTML.

Reports go through an outbox in the database: they are queued (and the
events marked as reported) in one transaction, then sent one by one. A
report the server refuses or cannot take (down, auth refused, timeout)
stays in the outbox and is retried by the next notify or check --notify:
nothing is lost. A report is never sent twice, except when clausewatch is
killed between the server accepting it and recording that: the next run
sends it once more, with the same Message-ID header, which mail clients
use to drop the copy.

Mail settings come from a YAML file (--config, or $CLAUSEWATCH_CONFIG):

  smtp:
    host: mail.example.org
    port: 587
    tls: starttls          # starttls | tls | none
    user: clausewatch
    password_env: CLAUSEWATCH_SMTP_PASSWORD   # or password_file: FILE
    from: clausewatch@example.org
    timeout: 30s
  subscriptions:
    - name: claude-guide
      to: [privacy-team@example.org]
      vendors: [anthropic]      # optional
      tiers: [consumer, team]   # optional
      min_severity: high        # default low
      digest: true              # default true

The password never goes in the file. The --smtp-* and --mail-from flags
override the file's smtp section; without a file, --smtp-host, --mail-from
and --mail-to send one report of every change.

Exit 0 when every report was sent (or there was none), 1 when one is still
in the outbox after a failed attempt or on another error, 2 on a usage error.

Examples:
  clausewatch notify --config clausewatch.yaml
  clausewatch notify --dry-run                 # print what would be sent
  CLAUSEWATCH_SMTP_PASSWORD=... clausewatch notify --smtp-host mail.example.org \
      --smtp-user watcher --mail-from cw@example.org --mail-to me@example.org
  clausewatch check --notify --quiet           # what cron runs`,
		flags: func(fs *flag.FlagSet, a *app) {
			m.register(fs, a)
			fs.BoolVar(&dryRun, "dry-run", false, "print the reports that would be sent; send and record nothing")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("notify: unexpected argument %q", args[0])
			}
			if dryRun {
				return a.printDryRun(ctx, m)
			}
			return a.sendReports(ctx, m, a.env.Stdout, false)
		},
	}
}
