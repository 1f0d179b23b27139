// Package deliver turns change events into email reports and webhook
// deliveries and sends them through an outbox in the database, so that no
// report is lost and none is sent twice but for two narrow cases.
//
// Queue reads the events recorded since the last queue (state key
// MarkerKey), composes one message per subscription whose filters match
// some of them, and in ONE transaction inserts those messages into the
// outbox and advances the marker: a crash leaves either both or neither,
// so an event is never queued twice nor skipped. Webhook does the same for
// one webhook URL, with a marker of its own.
//
// Flush sends every pending outbox message to each of its recipients in an
// SMTP transaction of their own, the recipients being those the
// subscription has now (a fixed address in the settings applies to the
// reports still pending). What happened to each recipient is recorded in a
// small transaction after the send: accepted (never sent again), refused
// for good with a 5xx (recorded, never retried), refused for now with a
// 4xx (retried by the next runs, MaxTemporary times at most), or left
// without an answer after the whole message went out (the server may hold
// it: sent once more, never a third time). A crash after the server
// accepted a message but before it was recorded makes the next run send it
// again. Those are the two cases of a duplicate: at most one reaches a
// recipient, with the same Message-ID header, which lets mail clients drop
// the copy.
package deliver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/clausewatch/clausewatch/internal/notify"
	"github.com/clausewatch/clausewatch/internal/report"
	"github.com/clausewatch/clausewatch/internal/store"
	"github.com/clausewatch/clausewatch/internal/terms"
)

// MarkerKey is the state key holding the row id of the last event queued
// (its decimal number; absent: none yet, every recorded event is pending).
const MarkerKey = "notify.last_event_id"

// Deliverer composes, queues and sends email reports.
type Deliverer struct {
	Store *store.DB
	// Sender sends the messages; only Flush needs it.
	Sender notify.Sender
	// From is the sender address; it also names the Message-ID domain.
	From          string
	Subscriptions []notify.Subscription
	// Report gives page links and tier labels to the report renderers;
	// its Color is ignored (mail never carries terminal colour).
	Report report.Options
	// SourceVendor returns the vendor of a source id, for events that carry
	// no vendor; nil or "" leaves such events to unfiltered subscriptions.
	SourceVendor func(source string) string

	// afterSend runs between a send the server accepted and marking it
	// sent; an error stops Flush there. Tests use it to simulate a crash.
	afterSend func(store.OutboxMessage) error
}

// Composed is one message composed for a subscription.
type Composed struct {
	Subscription string
	Message      notify.Message
	EventIDs     []string // the events it reports, in report order
}

// Queued is the outcome of Queue.
type Queued struct {
	Events   int                   // events read since the previous marker
	Messages []store.OutboxMessage // outbox rows inserted
	Marker   int64                 // the marker now: the last event row id read
}

// Limits of the retries of one recipient of one message.
const (
	// MaxTemporary is how many temporary refusals (4xx, a connection lost
	// before the end of the message) a recipient gets before it is given
	// up.
	MaxTemporary = 5
	// MaxUnanswered is how many times a message is sent to a recipient
	// without the server answering before it is no longer sent: each such
	// send may have been delivered.
	MaxUnanswered = 2
)

// Failure is a message that did not reach every recipient it was tried for
// in this Flush.
type Failure struct {
	Message store.OutboxMessage // as recorded after the attempt
	// Results are the recipients tried and how each went (nil when Err
	// reached none of them).
	Results []notify.Result
	Err     error // the failure that reached every recipient, or the recipients' errors joined
}

// Kept reports whether the message stays in the outbox for the next run.
func (f Failure) Kept() bool { return f.Message.Pending() }

// Flushed is the outcome of Flush.
type Flushed struct {
	Sent   []store.OutboxMessage // every recipient tried in this run accepted it
	Failed []Failure             // some recipient did not; kept in the outbox unless none is left to try
}

// Compose builds one message per subscription, in subscription order, for
// the events that match it (see notify.Subscription): those of its severity
// or more urgent, plus, when Digest is set, the informational ones of its
// vendors and tiers for the digest. Events of kind rule-changed (our readers
// changed, not the vendor's terms) are never reported. A subscription with
// no event at its minimum severity gets no message. Compose is pure: the
// same events give the same messages, Message-ID included.
func (d *Deliverer) Compose(evs []terms.Event) ([]Composed, error) {
	ro := d.Report
	ro.Color = false
	var out []Composed
	for _, sub := range d.Subscriptions {
		min, err := minSeverity(sub)
		if err != nil {
			return nil, fmt.Errorf("subscription %s: %w", sub.Name, err)
		}
		var picked []terms.Event
		urgent := false
		for _, e := range evs {
			if e.Kind == terms.RuleChanged || !matches(sub, e, d.SourceVendor) {
				continue
			}
			switch {
			case e.Severity.AtLeast(min):
				urgent = true
				picked = append(picked, e)
			case sub.Digest && e.Severity == terms.Info:
				picked = append(picked, e)
			}
		}
		if !urgent {
			continue
		}
		report.Sort(picked)
		var text, html bytes.Buffer
		if err := report.Text(&text, picked, ro); err != nil {
			return nil, fmt.Errorf("subscription %s: text report: %w", sub.Name, err)
		}
		fmt.Fprintf(&text, "\n-- \nclausewatch report for subscription %q (severity %s and above).\n", sub.Name, min)
		if err := report.HTML(&html, picked, ro); err != nil {
			return nil, fmt.Errorf("subscription %s: html report: %w", sub.Name, err)
		}
		ids := make([]string, len(picked))
		for i, e := range picked {
			ids[i] = e.ID
		}
		out = append(out, Composed{
			Subscription: sub.Name,
			EventIDs:     ids,
			Message: notify.Message{
				From:    d.From,
				To:      slices.Clone(sub.To),
				Subject: report.Subject(picked, ro),
				Text:    strings.TrimLeft(text.String(), "\n"),
				HTML:    html.String(),
				ID:      messageID(sub, ids, d.From),
			},
		})
	}
	return out, nil
}

// minSeverity is sub's min_severity; low when it sets none.
func minSeverity(sub notify.Subscription) (terms.Severity, error) {
	if sub.MinSeverity == "" {
		return terms.Low, nil
	}
	s, err := terms.ParseSeverity(sub.MinSeverity)
	if err != nil {
		return "", fmt.Errorf("min_severity: %w", err)
	}
	return s, nil
}

// matches applies the vendor and tier filters of sub (an email
// subscription or an outlet's) to e; sourceVendor, when not nil, names the
// vendor of an event that carries none.
func matches(sub notify.Subscription, e terms.Event, sourceVendor func(string) string) bool {
	vendor := e.Vendor
	if vendor == "" && sourceVendor != nil {
		vendor = sourceVendor(e.Source)
	}
	if len(sub.Vendors) > 0 && !slices.Contains(sub.Vendors, vendor) {
		return false
	}
	if len(sub.Tiers) > 0 && e.Tier != "" && !slices.Contains(sub.Tiers, e.Tier) {
		return false
	}
	if len(sub.Tiers) > 0 && e.Tier == "" && len(sub.Vendors) == 0 && vendor == "" {
		// A tier filter alone cannot place an event of no known vendor.
		return false
	}
	return true
}

// messageID derives a stable Message-ID from the subscription, its
// recipients and the events: composing the same report twice gives the
// same ID, which the outbox refuses to queue twice.
func messageID(sub notify.Subscription, ids []string, from string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", sub.Name, strings.Join(sub.To, "\x01"), strings.Join(ids, "\x01"))
	domain := notify.AddressDomain(from)
	if domain == "" {
		domain = "clausewatch.invalid"
	}
	return fmt.Sprintf("clausewatch.%s.%s@%s", sub.Name, hex.EncodeToString(h.Sum(nil))[:20], domain)
}

// marker reads the marker under key (MarkerKey, or a webhook's).
// eventsSince reads, inside tx, the events recorded after the marker stored
// under key: the events, the marker and the id of the last event read.
func eventsSince(ctx context.Context, tx *store.Tx, key string) (evs []terms.Event, after, last int64, err error) {
	if after, err = marker(ctx, tx.GetState, key); err != nil {
		return nil, 0, 0, err
	}
	evs, last, err = tx.EventsAfter(ctx, after)
	return evs, after, last, err
}

// setMarker moves the marker stored under key to event id last.
func setMarker(ctx context.Context, tx *store.Tx, key string, last int64) error {
	return tx.SetState(ctx, key, strconv.FormatInt(last, 10))
}

func marker(ctx context.Context, get func(context.Context, string) (string, bool, error), key string) (int64, error) {
	v, ok, err := get(ctx, key)
	if err != nil || !ok {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("state %s: %q is not an event number", key, v)
	}
	return n, nil
}

// Queue composes the reports of the events recorded since the previous
// queue and, in one transaction, inserts them into the outbox and advances
// the marker past every event read (matched by a subscription or not).
func (d *Deliverer) Queue(ctx context.Context) (Queued, error) {
	var q Queued
	err := d.Store.Transact(ctx, func(tx *store.Tx) error {
		evs, _, last, err := eventsSince(ctx, tx, MarkerKey)
		if err != nil {
			return err
		}
		q = Queued{Events: len(evs), Marker: last}
		if len(evs) == 0 {
			return nil
		}
		msgs, err := d.Compose(evs)
		if err != nil {
			return err
		}
		rows := make([]store.OutboxMessage, len(msgs))
		for i, m := range msgs {
			rows[i] = store.OutboxMessage{
				Subscription: m.Subscription, Recipients: m.Message.To, Subject: m.Message.Subject,
				Text: m.Message.Text, HTML: m.Message.HTML, MessageID: m.Message.ID, EventIDs: m.EventIDs,
			}
		}
		if q.Messages, err = tx.QueueOutbox(ctx, rows); err != nil {
			return err
		}
		return setMarker(ctx, tx, MarkerKey, last)
	})
	if err != nil {
		return Queued{}, fmt.Errorf("queue reports: %w", err)
	}
	return q, nil
}

// Preview composes what Queue would queue now, writing nothing.
func (d *Deliverer) Preview(ctx context.Context) ([]Composed, error) {
	after, err := marker(ctx, d.Store.GetState, MarkerKey)
	if err != nil {
		return nil, fmt.Errorf("preview reports: %w", err)
	}
	evs, _, err := d.Store.EventsAfter(ctx, after)
	if err != nil {
		return nil, fmt.Errorf("preview reports: %w", err)
	}
	return d.Compose(evs)
}

// Flush sends the pending outbox messages, oldest first, to each of their
// current recipients not done with yet, and records how it went for each
// as soon as the send returns. Failures are in the result, not the error:
// a message refused for every recipient, the server down, one recipient
// refused. The error reports a database failure or a cancelled ctx;
// messages not tried stay pending. After a message the server left
// unanswered Flush stops: the others wait for the next run rather than
// for the same silence.
func (d *Deliverer) Flush(ctx context.Context) (Flushed, error) {
	var f Flushed
	if d.Sender == nil {
		return f, errors.New("flush reports: no sender configured")
	}
	pending, err := d.Store.PendingOutbox(ctx)
	if err != nil {
		return f, fmt.Errorf("flush reports: %w", err)
	}
	for _, row := range pending {
		if err := ctx.Err(); err != nil {
			return f, fmt.Errorf("flush reports: %w", err)
		}
		stop, err := d.flushOne(ctx, row, &f)
		if err != nil || stop {
			return f, err
		}
	}
	return f, nil
}

// flushOne sends one pending message and records the outcome in f; stop
// asks Flush to send nothing more in this run.
func (d *Deliverer) flushOne(ctx context.Context, row store.OutboxMessage, f *Flushed) (stop bool, err error) {
	to := d.recipients(row)
	state := map[string]store.Delivery{}
	for _, dl := range row.Deliveries {
		state[addressKey(dl.Address)] = dl
	}
	var todo, again []string
	for _, a := range to {
		switch dl, seen := state[addressKey(a)]; {
		case seen && dl.Final():
		case seen && dl.Unanswered > 0:
			again = append(again, a) // after the others: it may hang again
		default:
			todo = append(todo, a)
		}
	}
	todo = append(todo, again...)
	if len(todo) == 0 {
		// Every current recipient is done with (the subscription lost the
		// addresses it was still due to).
		if err := d.Store.RecordAttempt(context.WithoutCancel(ctx), row.ID, store.Attempt{Done: true}); err != nil {
			return false, fmt.Errorf("flush reports: %w", err)
		}
		return false, d.appendResult(ctx, f, row.ID, nil, nil)
	}
	msg := notify.Message{From: d.From, To: to, Envelope: todo, Subject: row.Subject, Text: row.Text, HTML: row.HTML, ID: row.MessageID}
	results, serr := d.Sender.Send(ctx, msg)
	if serr != nil {
		att := store.Attempt{Error: serr.Error()}
		if errors.Is(serr, notify.ErrInvalidMessage) {
			// Never sendable: recorded as refused for every recipient.
			for _, a := range todo {
				dl := withAddress(state[addressKey(a)], a)
				dl.State, dl.LastError = store.DeliveryFailed, serr.Error()
				att.Deliveries = append(att.Deliveries, dl)
			}
			att.Done = true
		}
		if err := d.Store.RecordAttempt(context.WithoutCancel(ctx), row.ID, att); err != nil {
			return false, fmt.Errorf("flush reports: %w", err)
		}
		return false, d.appendResult(ctx, f, row.ID, nil, serr)
	}
	if d.afterSend != nil {
		if err := d.afterSend(row); err != nil {
			return false, err
		}
	}
	var att store.Attempt
	var failures []string
	for _, r := range results {
		if r.Outcome == notify.NotTried {
			continue
		}
		dl := next(withAddress(state[addressKey(r.Address)], r.Address), r)
		state[addressKey(r.Address)] = dl
		att.Deliveries = append(att.Deliveries, dl)
		stop = stop || r.Outcome == notify.Unanswered
		if r.Outcome != notify.Accepted {
			failures = append(failures, r.Err.Error())
		}
	}
	att.Error = strings.Join(failures, "; ")
	att.Done = true
	for _, a := range to {
		if dl, seen := state[addressKey(a)]; !seen || !dl.Final() {
			att.Done = false
		}
	}
	// The server has what it accepted: record it even if ctx ends now.
	if err := d.Store.RecordAttempt(context.WithoutCancel(ctx), row.ID, att); err != nil {
		return false, fmt.Errorf("flush reports: message %s was sent but not recorded; the next run sends it again: %w", row.MessageID, err)
	}
	return stop, d.appendResult(ctx, f, row.ID, results, nil)
}

// appendResult reads message id back and files it in f as sent or failed.
func (d *Deliverer) appendResult(ctx context.Context, f *Flushed, id int64, results []notify.Result, serr error) error {
	m, err := d.Store.OutboxMessageByID(context.WithoutCancel(ctx), id)
	if err != nil {
		return fmt.Errorf("flush reports: %w", err)
	}
	var errs []error
	for _, r := range results {
		if r.Outcome != notify.Accepted {
			errs = append(errs, r.Err)
		}
	}
	if serr == nil && len(errs) == 0 {
		f.Sent = append(f.Sent, m)
		return nil
	}
	if serr == nil {
		serr = errors.Join(errs...)
	}
	f.Failed = append(f.Failed, Failure{Message: m, Results: results, Err: serr})
	return nil
}

// next is the state of a recipient after one send with result r.
func next(dl store.Delivery, r notify.Result) store.Delivery {
	dl.Attempts++
	dl.Code = r.Code
	dl.LastError = ""
	if r.Err != nil {
		dl.LastError = r.Err.Error()
	}
	switch r.Outcome {
	case notify.Accepted:
		dl.State = store.DeliverySent
	case notify.Permanent:
		dl.State = store.DeliveryFailed
	case notify.Unanswered:
		dl.Unanswered++
		dl.State = store.DeliveryPending
		if dl.Unanswered >= MaxUnanswered {
			dl.State = store.DeliveryUnconfirmed
		}
	default:
		dl.State = store.DeliveryPending
		if dl.Attempts-dl.Unanswered >= MaxTemporary {
			dl.State = store.DeliveryFailed
			dl.LastError = fmt.Sprintf("gave up after %d temporary refusals; the last: %s", MaxTemporary, dl.LastError)
		}
	}
	return dl
}

// recipients are the addresses a pending message goes to now: its
// subscription's, as configured today, or the ones it was queued for when
// the subscription is gone.
func (d *Deliverer) recipients(row store.OutboxMessage) []string {
	for _, sub := range d.Subscriptions {
		if sub.Name == row.Subscription && len(sub.To) > 0 {
			return slices.Clone(sub.To)
		}
	}
	return row.Recipients
}

func addressKey(a string) string { return strings.ToLower(notify.BareAddress(a)) }

func withAddress(dl store.Delivery, a string) store.Delivery {
	if dl.Address == "" {
		dl.Address = a
		dl.State = store.DeliveryPending
	}
	return dl
}

// Run queues the pending events and flushes the outbox.
func (d *Deliverer) Run(ctx context.Context) (Queued, Flushed, error) {
	q, err := d.Queue(ctx)
	if err != nil {
		return q, Flushed{}, err
	}
	f, err := d.Flush(ctx)
	return q, f, err
}
