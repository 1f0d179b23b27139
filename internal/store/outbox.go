package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// ErrAlreadySent is wrapped by MarkSent and MarkFailed for an outbox row
// that was already marked sent.
var ErrAlreadySent = errors.New("already sent")

// OutboxMessage is one email report of the outbox: queued, then sent.
type OutboxMessage struct {
	ID           int64
	Subscription string   // the subscription it was composed for
	Recipients   []string // the subscription's addresses when it was queued
	Subject      string
	Text         string // text/plain body
	HTML         string // text/html alternative, may be empty
	MessageID    string // Message-ID header, without angle brackets; unique
	EventIDs     []string
	CreatedAt    time.Time
	Attempts     int    // send attempts so far, the successful one included
	LastError    string // the latest failure, "" when none
	// SentAt is when the message was finished: every recipient it was
	// still to go to was sent it or given up (see Deliveries). Zero while
	// pending.
	SentAt time.Time
	// Deliveries is how it went for each address it was tried for, in
	// the order first tried.
	Deliveries []Delivery
}

// Pending reports whether the message still has to be sent.
func (m OutboxMessage) Pending() bool { return m.SentAt.IsZero() }

// Delivery is the state of one email report for one recipient.
type Delivery struct {
	Address    string
	State      string // DeliveryPending, DeliverySent, DeliveryFailed or DeliveryUnconfirmed
	Attempts   int    // tries that reached this recipient
	Unanswered int    // of which the server never answered the end of the message
	Code       int    // the latest SMTP reply code, 0 when there was none
	LastError  string
	UpdatedAt  time.Time // the DB clock when it was last written
}

// States of a Delivery.
const (
	DeliveryPending     = "pending"     // to be tried (again) by the next run
	DeliverySent        = "sent"        // the server accepted it
	DeliveryFailed      = "failed"      // refused for good, or given up: never tried again
	DeliveryUnconfirmed = "unconfirmed" // sent without an answer too often to send again
)

// Final reports whether d is never tried again.
func (d Delivery) Final() bool { return d.State != DeliveryPending }

// EventsAfter returns the events whose row id is greater than after, in id
// order, and the highest row id among them (after itself when there are
// none). Event ids ("c-000123") carry the row id.
func (db *DB) EventsAfter(ctx context.Context, after int64) ([]terms.Event, int64, error) {
	return eventsAfter(ctx, db.sql, after)
}

// EventsAfter is DB.EventsAfter inside the transaction.
func (tx *Tx) EventsAfter(ctx context.Context, after int64) ([]terms.Event, int64, error) {
	return eventsAfter(ctx, tx.tx, after)
}

func eventsAfter(ctx context.Context, q querier, after int64) ([]terms.Event, int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, data FROM events WHERE id > ? ORDER BY id`, after)
	if err != nil {
		return nil, 0, fmt.Errorf("events after %s: %w", terms.EventID(after), err)
	}
	defer rows.Close()
	var out []terms.Event
	last := after
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, 0, fmt.Errorf("events after %s: %w", terms.EventID(after), err)
		}
		var e terms.Event
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			return nil, 0, fmt.Errorf("event %s: %w", terms.EventID(id), err)
		}
		e.ID = terms.EventID(id)
		out = append(out, e)
		last = id
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("events after %s: %w", terms.EventID(after), err)
	}
	return out, last, nil
}

// QueueOutbox inserts msgs as pending rows and returns those inserted, with
// ID and CreatedAt (the DB clock) set; Attempts, LastError and SentAt of
// msgs are ignored. A message whose MessageID is already in the outbox, sent
// or not, is skipped: queueing the same message twice queues it once.
func (tx *Tx) QueueOutbox(ctx context.Context, msgs []OutboxMessage) ([]OutboxMessage, error) {
	var out []OutboxMessage
	for _, m := range msgs {
		if m.MessageID == "" {
			return nil, fmt.Errorf("queue message for %s: empty message id", m.Subscription)
		}
		rcpt, err := json.Marshal(nonNil(m.Recipients))
		if err != nil {
			return nil, fmt.Errorf("queue message %s: %w", m.MessageID, err)
		}
		evs, err := json.Marshal(nonNil(m.EventIDs))
		if err != nil {
			return nil, fmt.Errorf("queue message %s: %w", m.MessageID, err)
		}
		m.CreatedAt = tx.db.now().UTC()
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO outbox
			(subscription, recipients, subject, text, html, message_id, event_ids, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (message_id) DO NOTHING`,
			m.Subscription, string(rcpt), m.Subject, m.Text, m.HTML, m.MessageID, string(evs), formatTime(m.CreatedAt))
		if err != nil {
			return nil, fmt.Errorf("queue message %s: %w", m.MessageID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("queue message %s: %w", m.MessageID, err)
		} else if n == 0 {
			continue // already queued
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return nil, fmt.Errorf("queue message %s: %w", m.MessageID, err)
		}
		m.Attempts, m.LastError, m.SentAt = 0, "", time.Time{}
		out = append(out, m)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const outboxColumns = `id, subscription, recipients, subject, text, html, message_id, event_ids,
	created_at, attempts, last_error, COALESCE(sent_at, '')`

const deliveryColumns = `message, address, state, attempts, unanswered, code, last_error, updated_at`

// PendingOutbox returns the messages not sent yet, oldest first.
func (db *DB) PendingOutbox(ctx context.Context) ([]OutboxMessage, error) {
	return db.queryOutbox(ctx, "pending outbox", `SELECT `+outboxColumns+` FROM outbox WHERE sent_at IS NULL ORDER BY id`)
}

// Outbox returns every message of the outbox, sent or not, oldest first.
func (db *DB) Outbox(ctx context.Context) ([]OutboxMessage, error) {
	return db.queryOutbox(ctx, "outbox", `SELECT `+outboxColumns+` FROM outbox ORDER BY id`)
}

func (db *DB) queryOutbox(ctx context.Context, what, query string, args ...any) ([]OutboxMessage, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var rcpt, evs, created, sent string
		if err := rows.Scan(&m.ID, &m.Subscription, &rcpt, &m.Subject, &m.Text, &m.HTML, &m.MessageID, &evs,
			&created, &m.Attempts, &m.LastError, &sent); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if err := json.Unmarshal([]byte(rcpt), &m.Recipients); err != nil {
			return nil, fmt.Errorf("outbox message %d: recipients: %w", m.ID, err)
		}
		if err := json.Unmarshal([]byte(evs), &m.EventIDs); err != nil {
			return nil, fmt.Errorf("outbox message %d: event ids: %w", m.ID, err)
		}
		if m.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("outbox message %d: created_at: %w", m.ID, err)
		}
		if m.SentAt, err = parseTime(sent); err != nil {
			return nil, fmt.Errorf("outbox message %d: sent_at: %w", m.ID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	rows.Close()
	if err := db.addDeliveries(ctx, out); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// addDeliveries fills the Deliveries of msgs.
func (db *DB) addDeliveries(ctx context.Context, msgs []OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	at := make(map[int64]int, len(msgs))
	for i, m := range msgs {
		at[m.ID] = i
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM outbox_recipients
		WHERE message >= ? AND message <= ? ORDER BY message, rowid`, msgs[0].ID, msgs[len(msgs)-1].ID)
	if err != nil {
		return fmt.Errorf("outbox recipients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d Delivery
		var updated string
		if err := rows.Scan(&id, &d.Address, &d.State, &d.Attempts, &d.Unanswered, &d.Code, &d.LastError, &updated); err != nil {
			return fmt.Errorf("outbox recipients: %w", err)
		}
		if d.UpdatedAt, err = parseTime(updated); err != nil {
			return fmt.Errorf("outbox message %d: recipient %s: %w", id, d.Address, err)
		}
		if i, ok := at[id]; ok {
			msgs[i].Deliveries = append(msgs[i].Deliveries, d)
		}
	}
	return rows.Err()
}

// Attempt is what one send of an outbox message did.
type Attempt struct {
	// Deliveries are the new states of the recipients it reached (their
	// Attempts and Unanswered already counted); UpdatedAt is ignored.
	Deliveries []Delivery
	// Error is what failed, as one line ("" when every recipient tried
	// accepted it): the failure that reached no recipient (the server
	// down, a refused login, the message itself unsendable), or the
	// recipients' errors. It becomes the message's LastError.
	Error string
	// Done finishes the message: no recipient is left to try.
	Done bool
}

// RecordAttempt writes one send of outbox message id in one transaction:
// the recipients' states, the attempt counted, its error kept as the
// message's last error (or cleared), and sent_at set when a.Done. It fails
// with ErrNotFound for an unknown id and ErrAlreadySent for a finished
// message.
func (db *DB) RecordAttempt(ctx context.Context, id int64, a Attempt) error {
	return db.Transact(ctx, func(tx *Tx) error {
		now := formatTime(db.now())
		sent := sql.NullString{String: now, Valid: a.Done}
		res, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, sent_at = ?
			WHERE id = ? AND sent_at IS NULL`, a.Error, sent, id)
		if err != nil {
			return fmt.Errorf("record attempt of outbox message %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("record attempt of outbox message %d: %w", id, err)
		} else if n != 1 {
			return db.whyNotMarked(ctx, tx.tx, "record attempt of", id)
		}
		for _, d := range a.Deliveries {
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO outbox_recipients (`+deliveryColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (message, address) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
					unanswered = excluded.unanswered, code = excluded.code, last_error = excluded.last_error,
					updated_at = excluded.updated_at`,
				id, d.Address, d.State, d.Attempts, d.Unanswered, d.Code, d.LastError, now); err != nil {
				return fmt.Errorf("record attempt of outbox message %d for %s: %w", id, d.Address, err)
			}
		}
		return nil
	})
}

// MarkSent records that the server accepted outbox message id: sent_at is
// set to the DB clock and the attempt counted. It fails with ErrNotFound for
// an unknown id and ErrAlreadySent for a message already marked.
func (db *DB) MarkSent(ctx context.Context, id int64) error {
	return db.markOutbox(ctx, id, "mark sent",
		`UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ? AND sent_at IS NULL`,
		formatTime(db.now()), id)
}

// MarkFailed records a failed send of outbox message id: the attempt is
// counted and failure kept as its last error; the message stays pending.
// It fails with ErrNotFound for an unknown id and ErrAlreadySent for a
// message already marked sent.
func (db *DB) MarkFailed(ctx context.Context, id int64, failure string) error {
	return db.markOutbox(ctx, id, "mark failed",
		`UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ? AND sent_at IS NULL`,
		failure, id)
}

func (db *DB) markOutbox(ctx context.Context, id int64, what, query string, args ...any) error {
	res, err := db.sql.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s outbox message %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s outbox message %d: %w", what, id, err)
	}
	if n == 1 {
		return nil
	}
	return db.whyNotMarked(ctx, db.sql, what, id)
}

// whyNotMarked explains an update of outbox message id that changed no
// row: ErrNotFound or ErrAlreadySent.
func (db *DB) whyNotMarked(ctx context.Context, q querier, what string, id int64) error {
	var sent sql.NullString
	switch err := q.QueryRowContext(ctx, `SELECT sent_at FROM outbox WHERE id = ?`, id).Scan(&sent); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s outbox message %d: %w", what, id, ErrNotFound)
	case err != nil:
		return fmt.Errorf("%s outbox message %d: %w", what, id, err)
	}
	return fmt.Errorf("%s outbox message %d: %w (at %s)", what, id, ErrAlreadySent, sent.String)
}

// LastEventID returns the highest event row id (0 when there is none):
// where a new outlet starts reporting.
func (db *DB) LastEventID(ctx context.Context) (int64, error) { return lastEventID(ctx, db.sql) }

// LastEventID is DB.LastEventID inside the transaction.
func (tx *Tx) LastEventID(ctx context.Context) (int64, error) { return lastEventID(ctx, tx.tx) }

func lastEventID(ctx context.Context, q querier) (int64, error) {
	var id int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("last event: %w", err)
	}
	return id, nil
}

// OutboxMessageByID returns outbox message id with its deliveries, or
// ErrNotFound.
func (db *DB) OutboxMessageByID(ctx context.Context, id int64) (OutboxMessage, error) {
	msgs, err := db.queryOutbox(ctx, "outbox message", `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id)
	if err != nil {
		return OutboxMessage{}, err
	}
	if len(msgs) == 0 {
		return OutboxMessage{}, fmt.Errorf("outbox message %d: %w", id, ErrNotFound)
	}
	return msgs[0], nil
}
