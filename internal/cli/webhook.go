package cli

import (
	"context"
	"fmt"

	"github.com/clausewatch/clausewatch/internal/pipeline"
	"github.com/clausewatch/clausewatch/internal/terms"
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

// postWebhook POSTs evs to url as the JSON array `changes --format json`
// prints, signed with $CLAUSEWATCH_WEBHOOK_SECRET when it is set, through the
// environment's HTTP client; see webhook.Post for retries and errors.
func (a *app) postWebhook(ctx context.Context, url string, evs []terms.Event) error {
	return webhook.Post(ctx, a.env.HTTPClient, url, evs, webhook.Options{
		Secret:  a.env.Getenv(webhookSecretEnv),
		Version: Version,
	})
}

// webhookAfterRun posts the notable events (severity low or above) of one
// check run to url. Nothing is posted when url is empty, when the run was
// interrupted or when it wrote no notable event. A failed delivery is
// printed to stderr and reported as true; the run's results stay recorded.
func (a *app) webhookAfterRun(ctx context.Context, url string, res pipeline.Result) (failed bool) {
	if url == "" || ctx.Err() != nil {
		return false
	}
	var evs []terms.Event
	for _, o := range res.Outcomes {
		for _, e := range o.Events {
			if e.Notable() {
				evs = append(evs, e)
			}
		}
	}
	if len(evs) == 0 {
		return false
	}
	if err := a.postWebhook(ctx, url, evs); err != nil {
		fmt.Fprintf(a.env.Stderr, "clausewatch: %v (the %d event%s are recorded; 'clausewatch changes' lists them)\n", err, len(evs), plural(len(evs)))
		return true
	}
	return false
}
