package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

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
	if len(cfg.Subscriptions) == 0 && !m.given() {
		return cfg, nil // outlets only: no mail server needed
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
	outletErr := a.sendOutlets(ctx, cfg, w, quiet)
	if len(cfg.Subscriptions) == 0 {
		return outletErr
	}
	if err := a.sendMail(ctx, cfg, w, quiet); err != nil {
		return errors.Join(err, outletErr)
	}
	return outletErr
}

// sendMail queues and sends the email reports of cfg's subscriptions.
func (a *app) sendMail(ctx context.Context, cfg *notify.Config, w io.Writer, quiet bool) error {
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
	var problems []string
	if n := kept(f); n > 0 {
		problems = append(problems, fmt.Sprintf("%d report%s not sent; kept in the outbox for the next run", n, plural(n)))
	}
	if n := len(f.Failed) - kept(f); n > 0 {
		problems = append(problems, fmt.Sprintf("%d report%s not delivered to every recipient and not retried ('clausewatch notify --status' shows them)", n, plural(n)))
	}
	if len(problems) > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("notify: %s", strings.Join(problems, "; "))}
	}
	return nil
}

// kept counts the failures that stay in the outbox.
func kept(f deliver.Flushed) int {
	n := 0
	for _, fl := range f.Failed {
		if fl.Kept() {
			n++
		}
	}
	return n
}

func printDelivery(w io.Writer, q deliver.Queued, f deliver.Flushed) {
	switch {
	case len(q.Messages) > 0:
		fmt.Fprintf(w, "Queued %d report%s for %d new event%s.\n", len(q.Messages), plural(len(q.Messages)), q.Events, plural(q.Events))
	case q.Events > 0:
		fmt.Fprintf(w, "%d new event%s, none for any subscription.\n", q.Events, plural(q.Events))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(status string, m store.OutboxMessage, to []string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", status, m.Subscription, strings.Join(to, ", "), m.Subject)
	}
	for _, m := range f.Sent {
		line("sent", m, sentTo(m))
	}
	for _, fl := range f.Failed {
		if fl.Results == nil {
			status := "kept"
			if !fl.Kept() {
				status = "failed"
			}
			line(status, fl.Message, fl.Message.Recipients)
			fmt.Fprintf(tw, "\t  attempt %d failed: %v\n", fl.Message.Attempts, fl.Err)
			continue
		}
		var got []string
		for _, r := range fl.Results {
			if r.Outcome == notify.Accepted {
				got = append(got, r.Address)
			}
		}
		status := "kept"
		switch {
		case !fl.Kept() && len(got) == 0:
			status = "failed"
		case !fl.Kept():
			status = "sent"
		}
		line(status, fl.Message, got)
		for _, r := range fl.Results {
			if r.Outcome != notify.Accepted {
				fmt.Fprintf(tw, "\t  %s: %s: %v\n", r.Address, resultNote(r, fl.Message), r.Err)
			}
		}
	}
	tw.Flush()
	if len(f.Sent)+len(f.Failed) == 0 {
		fmt.Fprintln(w, "No reports to send.")
		return
	}
	fmt.Fprintf(w, "%d sent, %d still pending in the outbox", len(f.Sent), kept(f))
	if n := len(f.Failed) - kept(f); n > 0 {
		fmt.Fprintf(w, ", %d finished without reaching every recipient", n)
	}
	fmt.Fprintln(w, ".")
}

// sentTo lists the recipients m reached.
func sentTo(m store.OutboxMessage) []string {
	var to []string
	for _, d := range m.Deliveries {
		if d.State == store.DeliverySent {
			to = append(to, d.Address)
		}
	}
	if len(to) == 0 {
		return m.Recipients
	}
	return to
}

// resultNote says what a recipient's result means for the next runs.
func resultNote(r notify.Result, m store.OutboxMessage) string {
	var d store.Delivery
	for _, x := range m.Deliveries {
		if strings.EqualFold(notify.BareAddress(x.Address), notify.BareAddress(r.Address)) {
			d = x
		}
	}
	switch {
	case r.Outcome == notify.NotTried:
		return "not tried in this run"
	case r.Outcome == notify.Permanent:
		return "refused for good, not retried"
	case r.Outcome == notify.Unanswered && d.State == store.DeliveryUnconfirmed:
		return fmt.Sprintf("no answer again (sent %d times, the server may have it): not sent again", d.Unanswered)
	case r.Outcome == notify.Unanswered:
		return "no answer (the server may have it): sent once more by the next run"
	case d.State == store.DeliveryFailed:
		return fmt.Sprintf("refused for now %d times: gave up", deliver.MaxTemporary)
	}
	return fmt.Sprintf("refused for now (attempt %d of %d)", d.Attempts-d.Unanswered, deliver.MaxTemporary)
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

// statusWindow is how far back notify --status lists finished reports and
// deliveries; pending ones are always listed.
const statusWindow = 30 * 24 * time.Hour

// printOutboxStatus prints the email reports and webhook deliveries of the
// outbox: every pending one, and those finished in the last statusWindow,
// with each recipient's state.
func (a *app) printOutboxStatus(ctx context.Context) error {
	w := a.env.Stdout
	since := a.env.Now().Add(-statusWindow)
	msgs, err := a.db.Outbox(ctx)
	if err != nil {
		return err
	}
	hooks, err := a.db.Webhooks(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	shown := 0
	for _, m := range msgs {
		if !m.Pending() && m.CreatedAt.Before(since) {
			continue
		}
		if shown == 0 {
			fmt.Fprintln(tw, "Email reports:")
		}
		shown++
		state := "pending"
		if !m.Pending() {
			state = "finished " + m.SentAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\tqueued %s, %d attempt%s, %s\t%s\n", m.MessageID, m.Subscription,
			m.CreatedAt.Format(time.RFC3339), m.Attempts, plural(m.Attempts), state, m.Subject)
		if m.LastError != "" && len(m.Deliveries) == 0 {
			fmt.Fprintf(tw, "\t  last attempt failed: %s\n", m.LastError)
		}
		if len(m.Deliveries) == 0 {
			fmt.Fprintf(tw, "\t  not tried yet; queued for %s\n", strings.Join(m.Recipients, ", "))
		}
		for _, d := range m.Deliveries {
			fmt.Fprintf(tw, "\t  %s\t%s\t%s\n", d.State, d.Address, deliveryNote(d))
		}
	}
	n := 0
	for _, d := range hooks {
		if !d.Pending() && d.CreatedAt.Before(since) {
			continue
		}
		if n == 0 {
			if shown > 0 {
				fmt.Fprintln(tw)
			}
			fmt.Fprintln(tw, "Webhook and chat deliveries:")
		}
		n++
		fmt.Fprintf(tw, "%s\t%s\tqueued %s, %d event%s, %d attempt%s, %s\n", d.DeliveryID, d.TargetShown,
			d.CreatedAt.Format(time.RFC3339), len(d.EventIDs), plural(len(d.EventIDs)), d.Attempts, plural(d.Attempts), webhookState(d))
		if d.LastError != "" {
			fmt.Fprintf(tw, "\t  last attempt failed: %s\n", d.LastError)
		}
	}
	tw.Flush()
	if shown+n == 0 {
		fmt.Fprintln(w, "The outbox is empty: nothing pending, nothing sent in the last 30 days.")
	}
	return nil
}

// deliveryNote explains a recipient's state.
func deliveryNote(d store.Delivery) string {
	tries := fmt.Sprintf("%d attempt%s", d.Attempts, plural(d.Attempts))
	switch d.State {
	case store.DeliverySent:
		if d.Unanswered > 0 {
			return tries + "; an earlier one went unanswered, so it may have arrived twice"
		}
		return tries
	case store.DeliveryFailed:
		why := "refused for good; not retried"
		if d.Code < 500 {
			why = "not retried"
		}
		return fmt.Sprintf("%s, %s: %s", tries, why, d.LastError)
	case store.DeliveryUnconfirmed:
		return fmt.Sprintf("%s, sent %d times without the server answering; unconfirmed, not sent again: %s", tries, d.Unanswered, d.LastError)
	}
	return fmt.Sprintf("%s, retried by the next run: %s", tries, d.LastError)
}

func webhookState(d store.WebhookDelivery) string {
	switch {
	case !d.SentAt.IsZero():
		return "sent " + d.SentAt.Format(time.RFC3339)
	case !d.FailedAt.IsZero():
		return "failed: refused for good, not retried"
	case !d.NextAttempt.IsZero():
		return "pending, next attempt not before " + d.NextAttempt.Format(time.RFC3339)
	}
	return "pending"
}

func notifyCmd() *command {
	m := &mailFlags{}
	var dryRun, status bool
	return &command{
		name:     "notify",
		summary:  "email the reports of changes not reported yet",
		usage:    "notify [--config FILE] [--dry-run | --status] [--smtp-host H --mail-from A --mail-to A]...",
		formats:  []string{"text"},
		mutating: false, // takes the run lock itself, except to read
		help: `Emails the change events recorded since the last notify (by check, recheck
or import): one report per subscription whose filters match some of them,
critical first, each change with its sentence diff and page link, then a
short digest of informational changes. Each report is a plain-text and an
HTML part; page text is escaped in the HTML.

Reports go through an outbox in the database: they are queued (and the
events marked as reported) in one transaction, then sent to each recipient
in an SMTP transaction of its own, so that one refused address does not
stop the others. A report still pending goes to the recipients its
subscription has at the time of the retry: fixing an address in the
settings applies to it. For each recipient:

  - accepted: never sent again;
  - refused for good (5xx): recorded, shown by --status, never retried;
  - refused for now (4xx), or the server unreachable or down: kept and
    retried by the next notify or check --notify, up to 5 refusals;
  - no answer once the whole message was sent (smtp.data_timeout): the
    server may have it, so it is sent once more, and never a third time.

A report is sent twice only when the server went silent after taking it,
or when clausewatch is killed between the server accepting it and
recording that: the copy carries the same Message-ID header, which mail
clients use to drop it.

Mail settings come from a YAML file (--config, or $CLAUSEWATCH_CONFIG):

  smtp:
    host: mail.example.org
    port: 587
    tls: starttls          # starttls | tls | none
    tls_ca_file: ca.pem    # optional: trust a self-signed or private CA
    user: clausewatch
    password_env: CLAUSEWATCH_SMTP_PASSWORD   # or password_file: FILE
    from: clausewatch@example.org
    timeout: 30s           # connect and each command
    data_timeout: 1m       # the answer to a whole message (default 2 x timeout)
  subscriptions:
    - name: claude-guide
      to: [privacy-team@example.org]
      vendors: [anthropic]      # optional
      tiers: [consumer, team]   # optional
      min_severity: high        # default low
      digest: true              # default true
  outlets:                      # chat and push services (no smtp needed for these alone)
    - name: privacy-channel
      url_env: CLAUSEWATCH_SLACK_URL   # or url: slack://… teams://… matrix://…
                                       # discord://… ntfy://… generic+https://…
      vendors: [anthropic]      # optional, as for subscriptions
      min_severity: high        # default low
      link: https://intranet.example.org/clausewatch/   # optional: the published site

The password never goes in the file. The --smtp-* and --mail-from flags
override the file's smtp section; without a file, --smtp-host, --mail-from
and --mail-to send one report of every change.

--status lists the outbox: every report, webhook and chat delivery still
pending, and those of the last 30 days, each recipient with its state
(sent, pending, failed, unconfirmed) and last error. It needs no mail
settings and sends nothing.

Exit 0 when every report was sent (or there was none), 1 when one is still
in the outbox after a failed attempt, a recipient refused it for good in
this run, or on another error, 2 on a usage error.

Examples:
  clausewatch notify --config clausewatch.yaml
  clausewatch notify --dry-run                 # print what would be sent
  clausewatch notify --status                  # what is pending, what failed
  CLAUSEWATCH_SMTP_PASSWORD=... clausewatch notify --smtp-host mail.example.org \
      --smtp-user watcher --mail-from cw@example.org --mail-to me@example.org
  clausewatch check --notify --quiet           # what cron runs`,
		flags: func(fs *flag.FlagSet, a *app) {
			m.register(fs, a)
			fs.BoolVar(&dryRun, "dry-run", false, "print the reports that would be sent; send and record nothing")
			fs.BoolVar(&status, "status", false, "list the outbox: pending and recent reports and webhook deliveries, per recipient")
			fs.BoolVar(&a.wait, "wait", false, "wait for a running check to finish instead of exiting")
		},
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usageErr("notify: unexpected argument %q", args[0])
			}
			switch {
			case status && dryRun:
				return usageErr("notify: --status and --dry-run do not go together")
			case status:
				return a.printOutboxStatus(ctx)
			case dryRun:
				return a.printDryRun(ctx, m)
			}
			unlock, err := a.db.Lock(ctx, a.wait)
			if err != nil {
				return fmt.Errorf("%w\n(another check is running; pass --wait to wait for it)", err)
			}
			defer unlock()
			return a.sendReports(ctx, m, a.env.Stdout, false)
		},
	}
}
