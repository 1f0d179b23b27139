package deliver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// WebhookMarkerPrefix starts the state key holding, for one webhook, the
// row id of the last event queued for it; the key ends with the webhook's
// target key (Webhook.Target).
const WebhookMarkerPrefix = "webhook.last_event_id:"

// Waits between the attempts of a webhook delivery, when the receiver
// does not say (Retry-After): WebhookBackoff after the first failure,
// doubled after each further one, at most WebhookMaxBackoff. A
// Retry-After is honoured up to WebhookMaxRetryAfter.
const (
	WebhookBackoff       = time.Minute
	WebhookMaxBackoff    = time.Hour
	WebhookMaxRetryAfter = 24 * time.Hour
)

// Webhook queues the notable events for one webhook URL and posts them
// through the outbox: each delivery is queued in the transaction that
// advances the webhook's marker, tried once per run (Post makes a single
// attempt), kept with its error and the time of the next try after a
// failure, and marked sent after a 2xx. A 4xx other than 408 and 429 is a
// refusal for good: recorded, not retried.
type Webhook struct {
	Store *store.DB
	// URL is where the deliveries go; only its hash and Shown are stored
	// (it may carry a token).
	URL   string
	Shown string // URL without credentials or query, for messages
	// Post makes one attempt of delivery id with events (a JSON array) and
	// returns nil on a 2xx. An error with a Temporary() bool method that
	// returns false is a refusal for good; one with a RetryAfter(time.Time)
	// (time.Duration, bool) method may ask for a wait; one with
	// HTTPStatus() int names the status. Other errors (network, timeout)
	// are temporary.
	Post func(ctx context.Context, id string, events []byte) error
	// Now is the clock of the retry schedule; nil means time.Now.
	Now func() time.Time
	// Pick chooses the events a delivery carries (rule-changed never);
	// nil picks the notable ones (severity low or above).
	Pick func(terms.Event) bool
	// Encode writes the payload of a delivery of evs (sorted); nil writes
	// the events as the JSON array of changes --format json.
	Encode func(evs []terms.Event) ([]byte, error)
}

func (w *Webhook) pick(e terms.Event) bool {
	if e.Kind == terms.RuleChanged {
		return false
	}
	if w.Pick == nil {
		return e.Notable()
	}
	return w.Pick(e)
}

func (w *Webhook) encode(evs []terms.Event) ([]byte, error) {
	if w.Encode != nil {
		return w.Encode(evs)
	}
	var b bytes.Buffer
	err := report.JSON(&b, evs)
	return b.Bytes(), err
}

// Target is the key of the webhook in the outbox and the state table: the
// hex SHA-256 of its URL.
func (w *Webhook) Target() string {
	h := sha256.Sum256([]byte(w.URL))
	return hex.EncodeToString(h[:])
}

func (w *Webhook) markerKey() string { return WebhookMarkerPrefix + w.Target()[:16] }

func (w *Webhook) now() time.Time {
	if w.Now == nil {
		return time.Now().UTC()
	}
	return w.Now().UTC()
}

// Start makes a webhook seen for the first time start with the events
// recorded from now on (not with the whole history): it sets its marker to
// the last event recorded so far when there is none. A webhook that has a
// marker is left alone.
func (w *Webhook) Start(ctx context.Context) error {
	err := w.Store.Transact(ctx, func(tx *store.Tx) error {
		if _, ok, err := tx.GetState(ctx, w.markerKey()); err != nil || ok {
			return err
		}
		last, err := tx.LastEventID(ctx)
		if err != nil {
			return err
		}
		return setMarker(ctx, tx, w.markerKey(), last)
	})
	if err != nil {
		return fmt.Errorf("webhook %s: %w", w.Shown, err)
	}
	return nil
}

// Known reports whether the webhook has been started (it has a marker):
// false for a webhook or outlet never used with this database.
func (w *Webhook) Known(ctx context.Context) (bool, error) {
	_, ok, err := w.Store.GetState(ctx, w.markerKey())
	if err != nil {
		return false, fmt.Errorf("webhook %s: %w", w.Shown, err)
	}
	return ok, nil
}

// WebhookQueued is the outcome of Webhook.Queue.
type WebhookQueued struct {
	Events     int                     // events read since the previous marker
	Deliveries []store.WebhookDelivery // the delivery queued (none when no event was notable)
	Marker     int64
}

// Queue reads the events recorded since the webhook's marker and, in one
// transaction, queues one delivery of the notable ones (severity low or
// above; rule-changed never) and advances the marker past every event
// read. Queueing the same events again queues nothing (the delivery id is
// derived from the webhook and the events).
func (w *Webhook) Queue(ctx context.Context) (WebhookQueued, error) {
	var q WebhookQueued
	err := w.Store.Transact(ctx, func(tx *store.Tx) error {
		evs, after, last, err := eventsSince(ctx, tx, w.markerKey())
		if err != nil {
			return err
		}
		q = WebhookQueued{Events: len(evs), Marker: last}
		var notable []terms.Event
		for _, e := range evs {
			if w.pick(e) {
				notable = append(notable, e)
			}
		}
		if len(notable) > 0 {
			report.Sort(notable)
			payload, err := w.encode(notable)
			if err != nil {
				return fmt.Errorf("encode events: %w", err)
			}
			ids := make([]string, len(notable))
			for i, e := range notable {
				ids[i] = e.ID
			}
			d, added, err := tx.QueueWebhook(ctx, store.WebhookDelivery{Target: w.Target(), TargetShown: w.Shown,
				DeliveryID: w.deliveryID(ids), Events: string(payload), EventIDs: ids})
			if err != nil {
				return err
			}
			if added {
				q.Deliveries = append(q.Deliveries, d)
			}
		}
		if last == after {
			return nil
		}
		return setMarker(ctx, tx, w.markerKey(), last)
	})
	if err != nil {
		return WebhookQueued{}, fmt.Errorf("queue webhook %s: %w", w.Shown, err)
	}
	return q, nil
}

// deliveryID derives the id of the delivery of events ids to this webhook.
func (w *Webhook) deliveryID(ids []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", w.Target(), strings.Join(ids, "\x01"))
	return "d-" + hex.EncodeToString(h.Sum(nil))[:24]
}

// WebhookFailure is a delivery attempt that failed.
type WebhookFailure struct {
	Delivery store.WebhookDelivery // as it was before the attempt
	Err      error
	// Next is the earliest next try; zero when the delivery was refused
	// for good and is not retried.
	Next time.Time
}

// WebhookFlushed is the outcome of Webhook.Flush.
type WebhookFlushed struct {
	Sent    []store.WebhookDelivery
	Failed  []WebhookFailure
	Waiting []store.WebhookDelivery // pending, not due yet (backoff or Retry-After)
}

// Flush makes one attempt of each due delivery of the webhook, oldest
// first: sent after a 2xx; otherwise the error is kept and the delivery
// waits for its next try (the receiver's Retry-After, or the backoff),
// unless it was refused for good. After a temporary failure the other
// deliveries wait for the next run, so a receiver that is down or slow
// costs a run one attempt. The error reports a database failure or a
// cancelled ctx.
func (w *Webhook) Flush(ctx context.Context) (WebhookFlushed, error) {
	var f WebhookFlushed
	if w.Post == nil {
		return f, errors.New("flush webhook: no poster configured")
	}
	pending, err := w.Store.PendingWebhooks(ctx, w.Target())
	if err != nil {
		return f, fmt.Errorf("flush webhook %s: %w", w.Shown, err)
	}
	down := false
	for _, d := range pending {
		if err := ctx.Err(); err != nil {
			return f, fmt.Errorf("flush webhook %s: %w", w.Shown, err)
		}
		now := w.now()
		if down || d.NextAttempt.After(now) {
			f.Waiting = append(f.Waiting, d)
			continue
		}
		perr := w.Post(ctx, d.DeliveryID, []byte(d.Events))
		if perr == nil {
			if err := w.Store.MarkWebhookSent(context.WithoutCancel(ctx), d.ID); err != nil {
				return f, fmt.Errorf("flush webhook %s: delivery %s was received but not marked; the next run sends it again: %w", w.Shown, d.DeliveryID, err)
			}
			f.Sent = append(f.Sent, d)
			continue
		}
		if ctx.Err() != nil {
			return f, fmt.Errorf("flush webhook %s: %w", w.Shown, ctx.Err())
		}
		fail := store.WebhookFailure{Error: perr.Error(), Permanent: refusedForGood(perr)}
		var st interface{ HTTPStatus() int }
		if errors.As(perr, &st) {
			fail.Status = st.HTTPStatus()
		}
		if !fail.Permanent {
			fail.NextAttempt = now.Add(retryWait(perr, now, d.Attempts+1))
			down = true
		}
		if err := w.Store.MarkWebhookFailed(context.WithoutCancel(ctx), d.ID, fail); err != nil {
			return f, fmt.Errorf("flush webhook %s: %w", w.Shown, err)
		}
		f.Failed = append(f.Failed, WebhookFailure{Delivery: d, Err: perr, Next: fail.NextAttempt})
	}
	return f, nil
}

// Run queues the pending events for the webhook and flushes its deliveries.
func (w *Webhook) Run(ctx context.Context) (WebhookQueued, WebhookFlushed, error) {
	q, err := w.Queue(ctx)
	if err != nil {
		return q, WebhookFlushed{}, err
	}
	f, err := w.Flush(ctx)
	return q, f, err
}

// refusedForGood reports whether err says the receiver will refuse the
// delivery again whatever the time.
func refusedForGood(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && !t.Temporary()
}

// retryWait is how long a delivery waits after its n-th failed attempt
// ended with err: the receiver's Retry-After when it gave one (at most
// WebhookMaxRetryAfter), else the backoff.
func retryWait(err error, now time.Time, n int) time.Duration {
	var ra interface {
		RetryAfter(time.Time) (time.Duration, bool)
	}
	if errors.As(err, &ra) {
		if d, ok := ra.RetryAfter(now); ok {
			return min(d, WebhookMaxRetryAfter)
		}
	}
	d := WebhookBackoff
	for i := 1; i < n && d < WebhookMaxBackoff; i++ {
		d *= 2
	}
	return min(d, WebhookMaxBackoff)
}
