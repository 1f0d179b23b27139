package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/deliver"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/webhook"
)

// webhookSecretEnv names the environment variable holding the key of the
// webhook signature; unset or empty sends no signature.
const webhookSecretEnv = "CLAUSEWATCH_WEBHOOK_SECRET"

// webhookFlag is the Set function of --webhook: it accepts only an absolute
// http(s) URL, so that a typo is a usage error before anything is fetched.
func webhookFlag(dst *string) func(string) error {
	return func(s string) error {
		if err := webhook.ValidateURL(s); err != nil {
			return err
		}
		*dst = s
		return nil
	}
}

// webhookOutbox is the outbox of the webhook at url: deliveries signed
// with $CLAUSEWATCH_WEBHOOK_SECRET when it is set, posted through the
// environment's HTTP client, one attempt of at most timeout each.
func (a *app) webhookOutbox(url string, timeout time.Duration) *deliver.Webhook {
	opts := webhook.Options{Secret: a.env.Getenv(webhookSecretEnv), Version: Version, Timeout: timeout, Now: a.env.Now}
	return &deliver.Webhook{
		Store: a.db, URL: url, Shown: webhook.Redact(url), Now: a.env.Now,
		Post: func(ctx context.Context, id string, events []byte) error {
			return webhook.Post(ctx, a.env.HTTPClient, url, id, events, opts)
		},
	}
}

// webhookBeforeRun makes a webhook used for the first time start with the
// events of this run. It returns false (and says why on stderr) when the
// webhook cannot be used in this run.
func (a *app) webhookBeforeRun(ctx context.Context, w *deliver.Webhook) bool {
	if w == nil {
		return false
	}
	if err := w.Start(ctx); err != nil {
		fmt.Fprintf(a.env.Stderr, "clausewatch: %v\n", err)
		return false
	}
	return true
}

// webhookAfterRun queues the notable events recorded since the webhook's
// last run (those of this run, and any an earlier run could not queue)
// and makes one attempt of each delivery due, this one and those kept by
// earlier runs. Nothing is done when the run was interrupted. Failures
// are printed to stderr and reported as true; the deliveries stay in the
// outbox for the next runs, and the run's results stay recorded.
func (a *app) webhookAfterRun(ctx context.Context, w *deliver.Webhook, ready bool) (failed bool) {
	if w == nil {
		return false
	}
	if !ready {
		return true
	}
	if ctx.Err() != nil {
		return false
	}
	_, f, err := w.Run(ctx)
	if err != nil {
		fmt.Fprintf(a.env.Stderr, "clausewatch: %v (the events are recorded; the next run with this --webhook sends them)\n", err)
		return true
	}
	for _, fl := range f.Failed {
		d := fl.Delivery
		what := fmt.Sprintf("delivery %s (%d event%s, attempt %d)", d.DeliveryID, len(d.EventIDs), plural(len(d.EventIDs)), d.Attempts+1)
		if fl.Next.IsZero() {
			fmt.Fprintf(a.env.Stderr, "clausewatch: %v; %s refused for good, not retried ('clausewatch notify --status' lists it)\n", fl.Err, what)
			continue
		}
		fmt.Fprintf(a.env.Stderr, "clausewatch: %v; %s kept in the outbox, retried by a run not before %s\n", fl.Err, what, fl.Next.Format(time.RFC3339))
	}
	for _, d := range f.Waiting {
		fmt.Fprintf(a.env.Stderr, "clausewatch: webhook %s: delivery %s (%d event%s) waits in the outbox: not before %s\n",
			d.TargetShown, d.DeliveryID, len(d.EventIDs), plural(len(d.EventIDs)), waitUntil(d, f).Format(time.RFC3339))
	}
	return len(f.Failed) > 0
}

// waitUntil is when a waiting delivery is next tried: its own time, or
// now when it waits behind one that just failed.
func waitUntil(d store.WebhookDelivery, f deliver.WebhookFlushed) time.Time {
	if !d.NextAttempt.IsZero() {
		return d.NextAttempt
	}
	for _, fl := range f.Failed {
		if !fl.Next.IsZero() {
			return fl.Next
		}
	}
	return d.CreatedAt
}
