// Package deliver turns change events into email reports and delivers them
// through an outbox, so that no report is lost and none is sent twice but
// for one narrow case.
//
// Queue reads the events recorded since the last queue (state key
// MarkerKey), composes one message per subscription whose filters match
// some of them, and in ONE transaction inserts those messages into the
// outbox and advances the marker: a crash leaves either both or neither,
// so an event is never queued twice nor skipped.
//
// Flush sends every pending outbox message, then marks it sent in a small
// transaction of its own. A failed send (server down, refused, timed out)
// counts the attempt, keeps the error and leaves the message for the next
// run. A crash after the server accepted a message but before it was marked
// sent makes the next run send it again: at most one duplicate per message,
// with the same Message-ID header, which lets mail clients drop the copy.
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

// Failure is a send that failed; the message stays pending.
type Failure struct {
	Message store.OutboxMessage // as it was before the attempt
	Err     error
}

// Flushed is the outcome of Flush.
type Flushed struct {
	Sent   []store.OutboxMessage // marked sent in this run
	Failed []Failure             // still pending after a failed attempt
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
		min := terms.Low
		if sub.MinSeverity != "" {
			s, err := terms.ParseSeverity(sub.MinSeverity)
			if err != nil {
				return nil, fmt.Errorf("subscription %s: min_severity: %w", sub.Name, err)
			}
			min = s
		}
		var picked []terms.Event
		urgent := false
		for _, e := range evs {
			if e.Kind == terms.RuleChanged || !d.matches(sub, e) {
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

// matches applies the vendor and tier filters of sub to e.
func (d *Deliverer) matches(sub notify.Subscription, e terms.Event) bool {
	vendor := e.Vendor
	if vendor == "" && d.SourceVendor != nil {
		vendor = d.SourceVendor(e.Source)
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

// marker reads MarkerKey.
func marker(ctx context.Context, get func(context.Context, string) (string, bool, error)) (int64, error) {
	v, ok, err := get(ctx, MarkerKey)
	if err != nil || !ok {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("state %s: %q is not an event number", MarkerKey, v)
	}
	return n, nil
}

// Queue composes the reports of the events recorded since the previous
// queue and, in one transaction, inserts them into the outbox and advances
// the marker past every event read (matched by a subscription or not).
func (d *Deliverer) Queue(ctx context.Context) (Queued, error) {
	var q Queued
	err := d.Store.Transact(ctx, func(tx *store.Tx) error {
		after, err := marker(ctx, tx.GetState)
		if err != nil {
			return err
		}
		evs, last, err := tx.EventsAfter(ctx, after)
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
		return tx.SetState(ctx, MarkerKey, strconv.FormatInt(last, 10))
	})
	if err != nil {
		return Queued{}, fmt.Errorf("queue reports: %w", err)
	}
	return q, nil
}

// Preview composes what Queue would queue now, writing nothing.
func (d *Deliverer) Preview(ctx context.Context) ([]Composed, error) {
	after, err := marker(ctx, d.Store.GetState)
	if err != nil {
		return nil, fmt.Errorf("preview reports: %w", err)
	}
	evs, _, err := d.Store.EventsAfter(ctx, after)
	if err != nil {
		return nil, fmt.Errorf("preview reports: %w", err)
	}
	return d.Compose(evs)
}

// Flush sends the pending outbox messages, oldest first, each marked sent
// as soon as the server accepted it. A failed send is recorded on its row
// (attempts, last error) and Flush goes on with the next; such failures are
// in the result, not the error. The error reports a database failure or a
// cancelled ctx; messages not tried stay pending. A message the server
// accepted but that could not be marked sent is sent again by the next
// Flush (at most one duplicate, with the same Message-ID).
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
		msg := notify.Message{From: d.From, To: row.Recipients, Subject: row.Subject, Text: row.Text, HTML: row.HTML, ID: row.MessageID}
		if serr := d.Sender.Send(ctx, msg); serr != nil {
			if err := d.Store.MarkFailed(context.WithoutCancel(ctx), row.ID, serr.Error()); err != nil {
				return f, fmt.Errorf("flush reports: %w", err)
			}
			f.Failed = append(f.Failed, Failure{Message: row, Err: serr})
			continue
		}
		if d.afterSend != nil {
			if err := d.afterSend(row); err != nil {
				return f, err
			}
		}
		// The server has the message: record it even if ctx ends now.
		if err := d.Store.MarkSent(context.WithoutCancel(ctx), row.ID); err != nil {
			return f, fmt.Errorf("flush reports: message %s was sent but not marked; the next run sends it again: %w", row.MessageID, err)
		}
		row.Attempts++
		row.LastError = ""
		f.Sent = append(f.Sent, row)
	}
	return f, nil
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
