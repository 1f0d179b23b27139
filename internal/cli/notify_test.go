package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/cli"
	"github.com/clausewatch/clausewatch/internal/fixture"
	"github.com/clausewatch/clausewatch/internal/notify/smtptest"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// mailConfig writes a mail settings file for the test vendor "example":
// "guide" gets its consumer tier from high severity up, "all" everything.
func mailConfig(t *testing.T, port int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clausewatch.yaml")
	data := fmt.Sprintf(`smtp:
  host: 127.0.0.1
  port: %d
  tls: none
  from: clausewatch@example.org
  timeout: 5s
subscriptions:
  - name: guide
    to: [guide@example.org]
    vendors: [example]
    tiers: [consumer]
    min_severity: high
  - name: all
    to: [all@example.org]
`, port)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func scalar(s string) *terms.Value { v := terms.Scalar(s); return &v }

// recordEvents stores change events (our own words) in the database at path.
func recordEvents(t *testing.T, path string, evs ...terms.Event) {
	t.Helper()
	db := openDB(t, path)
	err := db.Transact(context.Background(), func(tx *store.Tx) error {
		_, err := tx.InsertEvents(context.Background(), evs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

var (
	criticalEvent = terms.Event{Kind: terms.ValueChanged, Severity: terms.Critical, Vendor: "example", Tier: "consumer",
		Attribute: "training", Old: scalar("never"), New: scalar("opt-out"), Source: "example-terms",
		After: &terms.Side{Clause: "Your content > Use of your content", Text: "We may <b>train</b> on your chats unless you opt out."}}
	lowEvent = terms.Event{Kind: terms.ClauseChanged, Severity: terms.Low, Vendor: "example", Tier: "consumer",
		Attribute: "training", Source: "example-terms", Detail: "reworded"}
)

func newMailRunner(t *testing.T) (*runner, *smtptest.Server) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	return newRunner(t, srv, "/terms"), smtptest.Start(t, smtptest.Options{})
}

func recipients(msgs []smtptest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, strings.Join(m.To, ","))
	}
	return out
}

func TestNotifySendsOnceAndRetries(t *testing.T) {
	r, mail := newMailRunner(t)
	cfg := mailConfig(t, mail.Port)
	recordEvents(t, r.db, criticalEvent, lowEvent)

	out, errs, code := r.run("notify", "--config", cfg)
	if code != cli.ExitOK {
		t.Fatalf("notify: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"Queued 2 reports for 2 new events", "sent", "guide@example.org", "all@example.org", "2 sent, 0 still pending"} {
		if !strings.Contains(out, want) {
			t.Errorf("notify output lacks %q:\n%s", want, out)
		}
	}
	got := mail.Messages()
	if !slices.Equal(recipients(got), []string{"guide@example.org", "all@example.org"}) {
		t.Fatalf("server received messages for %v", recipients(got))
	}
	if got[0].Subject != "[clausewatch] 1 critical: example Consumer training never → opt-out" {
		t.Errorf("subject = %q", got[0].Subject)
	}
	if strings.Contains(got[0].Text, "reworded") || !strings.Contains(got[1].Text, "reworded") {
		t.Errorf("the low event went to the wrong subscription:\nguide:\n%s\nall:\n%s", got[0].Text, got[1].Text)
	}
	if strings.Contains(got[0].HTML, "<b>train") || !strings.Contains(got[0].HTML, "&lt;b&gt;train") {
		t.Errorf("html part does not escape page text:\n%s", got[0].HTML)
	}

	// Nothing new: nothing sent, exit 0.
	out, errs, code = r.run("notify", "--config", cfg)
	if code != cli.ExitOK || !strings.Contains(out, "No reports to send.") || len(mail.Messages()) != 2 {
		t.Fatalf("second notify: exit %d, %d messages\n%s\n%s", code, len(mail.Messages()), out, errs)
	}

	// The server refuses for now: the report is kept, exit 1; the next run sends it.
	recordEvents(t, r.db, criticalEvent)
	mail.Reject(451, "mailbox busy, try later")
	out, errs, code = r.run("notify", "--config", cfg)
	if code != cli.ExitFailure || !strings.Contains(out, "kept") || !strings.Contains(out, "refused for now (attempt 1 of 5)") ||
		!strings.Contains(errs, "2 reports not sent; kept in the outbox") {
		t.Fatalf("refused notify: exit %d\n%s\n%s", code, out, errs)
	}
	mail.Reject(0, "")
	out, errs, code = r.run("notify", "--config", cfg)
	if code != cli.ExitOK || !strings.Contains(out, "2 sent, 0 still pending") || len(mail.Messages()) != 4 {
		t.Fatalf("retry notify: exit %d, %d messages\n%s\n%s", code, len(mail.Messages()), out, errs)
	}
}

func TestNotifyDryRun(t *testing.T) {
	r, mail := newMailRunner(t)
	cfg := mailConfig(t, mail.Port)
	recordEvents(t, r.db, criticalEvent)
	for i := 0; i < 2; i++ { // a dry run changes nothing: twice the same
		out, errs, code := r.run("notify", "--config", cfg, "--dry-run")
		if code != cli.ExitOK {
			t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errs)
		}
		for _, want := range []string{"=== report for subscription guide (new, 1 event)", "To: guide@example.org",
			"Subject: [clausewatch] 1 critical", "== CRITICAL ==", "Dry run: 2 reports would be sent"} {
			if !strings.Contains(out, want) {
				t.Errorf("dry run output lacks %q:\n%s", want, out)
			}
		}
	}
	if n := len(mail.Messages()); n != 0 {
		t.Fatalf("dry run sent %d messages", n)
	}
	if _, _, code := r.run("notify", "--config", cfg); code != cli.ExitOK || len(mail.Messages()) != 2 {
		t.Errorf("notify after dry runs: exit %d, %d messages; want 0, 2", code, len(mail.Messages()))
	}
}

func TestNotifyFlagsOnly(t *testing.T) {
	r, mail := newMailRunner(t)
	recordEvents(t, r.db, lowEvent)
	out, errs, code := r.run("notify", "--smtp-host", "127.0.0.1", "--smtp-port", fmt.Sprint(mail.Port), "--smtp-tls", "none",
		"--mail-from", "cw@example.org", "--mail-to", "a@example.org", "--mail-to", "b@example.org")
	if code != cli.ExitOK {
		t.Fatalf("notify: exit %d\n%s\n%s", code, out, errs)
	}
	got := mail.Messages()
	if len(got) != 2 || strings.Join(recipients(got), ",") != "a@example.org,b@example.org" || got[0].From != "cw@example.org" || got[0].ID != got[1].ID {
		t.Fatalf("server received %+v", recipients(got))
	}
}

func TestNotifyUsageAndSettingsErrors(t *testing.T) {
	r, mail := newMailRunner(t)
	cfg := mailConfig(t, mail.Port)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("smtp:\n  host: 127.0.0.1\n  tls: ssl\n  from: cw@example.org\nsubscriptions:\n  - name: x\n    to: [x@example.org]\n    vendors: [acme]\n"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no settings", nil, cli.ExitUsage, []string{"no mail settings: pass --config FILE or set CLAUSEWATCH_CONFIG"}},
		{"invalid file", []string{"--config", bad}, cli.ExitFailure,
			[]string{bad + `:3: smtp.tls: invalid value: "ssl" is not one of starttls, tls, none`,
				bad + `:8: subscriptions[0].vendors[0]: invalid value: vendor "acme" is not declared (declared: example)`}},
		{"missing file", []string{"--config", filepath.Join(t.TempDir(), "none.yaml")}, cli.ExitFailure, []string{"none.yaml", "cannot read mail settings"}},
		{"mail-to beside subscriptions", []string{"--config", cfg, "--mail-to", "x@example.org"}, cli.ExitUsage, []string{"--mail-to cannot be combined"}},
		{"flags without host", []string{"--mail-from", "a@example.org", "--mail-to", "b@example.org"}, cli.ExitUsage, []string{"--smtp-host is required"}},
		{"bad tls flag", []string{"--config", cfg, "--smtp-tls", "ssl"}, cli.ExitUsage, []string{`--smtp-tls: "ssl" is not one of starttls, tls, none`}},
		{"bad recipient flag", []string{"--smtp-host", "h", "--mail-from", "a@example.org", "--mail-to", "nobody"}, cli.ExitUsage, []string{`--mail-to: address "nobody"`}},
		{"user without password", []string{"--config", cfg, "--smtp-user", "watcher"}, cli.ExitFailure, []string{`smtp.user "watcher" has no password`}},
		{"argument", []string{"--config", cfg, "now"}, cli.ExitUsage, []string{`unexpected argument "now"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, code := r.run(append([]string{"notify"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tt.code, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
	if n := len(mail.Messages()); n != 0 {
		t.Errorf("failed runs sent %d messages", n)
	}
}

func TestCheckNotify(t *testing.T) {
	s, srv := newSite(t)
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	r := newRunner(t, srv, "/terms")
	mail := smtptest.Start(t, smtptest.Options{})
	cfg := mailConfig(t, mail.Port)

	if out, errs, code := r.check("--notify", "--config", cfg); code != cli.ExitOK || len(mail.Messages()) != 0 {
		t.Fatalf("first check --notify: exit %d, %d messages\n%s\n%s", code, len(mail.Messages()), out, errs)
	}

	// The training clause changes: check records it and mails it.
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	out, errs, code := r.check("--notify", "--config", cfg)
	if code != cli.ExitChanges {
		t.Fatalf("check --notify: exit %d, want 3\n%s\n%s", code, out, errs)
	}
	got := mail.Messages()
	if len(got) == 0 || !strings.Contains(got[0].Subject, "training never → opt-out") || !strings.Contains(out, "sent") {
		t.Fatalf("check --notify sent %d messages (%v)\n%s", len(got), recipients(got), out)
	}
	sent := len(got)

	// Mail server down: the check is still recorded, exit 1, the reason on stderr.
	mail.Close()
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingNever))
	out, errs, code = r.check("--notify", "--config", cfg, "--format", "json")
	if code != cli.ExitFailure || !strings.Contains(errs, "not sent; kept in the outbox") || !strings.Contains(errs, "email reports were not all sent") {
		t.Fatalf("check --notify with the server down: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.HasPrefix(strings.TrimSpace(out), "[") || strings.Contains(out, "kept") {
		t.Errorf("stdout is not only the JSON result:\n%s", out)
	}
	if sn, v := counts(t, r.db, "example-terms"); sn != 3 || v != 3 {
		t.Errorf("after the failed delivery: %d snapshots, %d versions; want 3, 3", sn, v)
	}
	db := openDB(t, r.db)
	pending, err := db.PendingOutbox(context.Background())
	db.Close()
	if err != nil || len(pending) == 0 || pending[0].Attempts != 1 {
		t.Errorf("outbox after the failed delivery: %+v, %v", pending, err)
	}
	if len(mail.Messages()) != sent {
		t.Errorf("a closed server received mail")
	}

	// Without mail settings, --notify fails before fetching anything.
	s.page("/terms", fixture.ConsumerTerms(fixture.TrainingOptOut))
	_, errs, code = r.check("--notify")
	if code != cli.ExitUsage || !strings.Contains(errs, "no mail settings") {
		t.Errorf("check --notify without settings: exit %d\n%s", code, errs)
	}
	if sn, _ := counts(t, r.db, "example-terms"); sn != 3 {
		t.Errorf("check --notify without settings recorded %d snapshots, want 3 (nothing fetched)", sn)
	}
}

func TestNotifyHelp(t *testing.T) {
	out, _, code := (&runner{t: t}).run("help", "notify")
	if code != cli.ExitOK {
		t.Fatalf("help notify: exit %d", code)
	}
	for _, want := range []string{"--config", "--dry-run", "--smtp-host", "--mail-to", "Message-ID", "password never goes in the file"} {
		if !strings.Contains(out, want) {
			t.Errorf("help notify lacks %q", want)
		}
	}
}
