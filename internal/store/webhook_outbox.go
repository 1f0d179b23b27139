package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// WebhookDelivery is one POST of the webhook outbox: queued with the
// events it carries, tried once per run until the receiver answers 2xx
// (sent) or refuses it for good (failed).
type WebhookDelivery struct {
	ID          int64
	Target      string // the webhook's key (a hash of its URL, which is not stored)
	TargetShown string // the URL without credentials or query, for messages
	DeliveryID  string // unique; the same in every attempt
	Events      string // the JSON array of the events, as posted
	EventIDs    []string
	CreatedAt   time.Time
	Attempts    int
	LastStatus  int    // the HTTP status of the latest failure, 0 when none came
	LastError   string // the latest failure, "" when none
	// NextAttempt is the earliest time of the next try; zero: at once.
	NextAttempt time.Time
	SentAt      time.Time // zero until a 2xx
	FailedAt    time.Time // zero unless refused for good
}

// Pending reports whether the delivery is still to be tried.
func (d WebhookDelivery) Pending() bool { return d.SentAt.IsZero() && d.FailedAt.IsZero() }

// WebhookFailure is a failed attempt of a webhook delivery.
type WebhookFailure struct {
	Status      int       // the HTTP status, 0 when none came
	Error       string    // what went wrong
	NextAttempt time.Time // not tried again before this time
	Permanent   bool      // never tried again
}

// QueueWebhook inserts d as a pending delivery and returns it with ID and
// CreatedAt (the DB clock) set; its attempt fields are ignored. A
// delivery whose DeliveryID is already in the outbox is skipped (false).
func (tx *Tx) QueueWebhook(ctx context.Context, d WebhookDelivery) (WebhookDelivery, bool, error) {
	if d.DeliveryID == "" || d.Target == "" {
		return d, false, errors.New("queue webhook delivery: empty delivery id or target")
	}
	ids, err := json.Marshal(nonNil(d.EventIDs))
	if err != nil {
		return d, false, fmt.Errorf("queue webhook delivery %s: %w", d.DeliveryID, err)
	}
	d.CreatedAt = tx.db.now().UTC()
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO webhook_outbox
		(target, target_shown, delivery_id, events, event_ids, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (delivery_id) DO NOTHING`,
		d.Target, d.TargetShown, d.DeliveryID, d.Events, string(ids), formatTime(d.CreatedAt))
	if err != nil {
		return d, false, fmt.Errorf("queue webhook delivery %s: %w", d.DeliveryID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return d, false, fmt.Errorf("queue webhook delivery %s: %w", d.DeliveryID, err)
	} else if n == 0 {
		return d, false, nil
	}
	if d.ID, err = res.LastInsertId(); err != nil {
		return d, false, fmt.Errorf("queue webhook delivery %s: %w", d.DeliveryID, err)
	}
	d.Attempts, d.LastStatus, d.LastError = 0, 0, ""
	d.NextAttempt, d.SentAt, d.FailedAt = time.Time{}, time.Time{}, time.Time{}
	return d, true, nil
}

const webhookColumns = `id, target, target_shown, delivery_id, events, event_ids, created_at, attempts,
	last_status, last_error, next_attempt_at, COALESCE(sent_at, ''), COALESCE(failed_at, '')`

// PendingWebhooks returns the deliveries of target still to be tried,
// oldest first, due or not.
func (db *DB) PendingWebhooks(ctx context.Context, target string) ([]WebhookDelivery, error) {
	return db.queryWebhooks(ctx, "pending webhook deliveries", `SELECT `+webhookColumns+` FROM webhook_outbox
		WHERE target = ? AND sent_at IS NULL AND failed_at IS NULL ORDER BY id`, target)
}

// Webhooks returns every webhook delivery, oldest first.
func (db *DB) Webhooks(ctx context.Context) ([]WebhookDelivery, error) {
	return db.queryWebhooks(ctx, "webhook deliveries", `SELECT `+webhookColumns+` FROM webhook_outbox ORDER BY id`)
}

func (db *DB) queryWebhooks(ctx context.Context, what, query string, args ...any) ([]WebhookDelivery, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var ids, created, next, sent, failed string
		if err := rows.Scan(&d.ID, &d.Target, &d.TargetShown, &d.DeliveryID, &d.Events, &ids, &created, &d.Attempts,
			&d.LastStatus, &d.LastError, &next, &sent, &failed); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if err := json.Unmarshal([]byte(ids), &d.EventIDs); err != nil {
			return nil, fmt.Errorf("webhook delivery %s: event ids: %w", d.DeliveryID, err)
		}
		for _, t := range []struct {
			dst *time.Time
			s   string
		}{{&d.CreatedAt, created}, {&d.NextAttempt, next}, {&d.SentAt, sent}, {&d.FailedAt, failed}} {
			if *t.dst, err = parseTime(t.s); err != nil {
				return nil, fmt.Errorf("webhook delivery %s: %w", d.DeliveryID, err)
			}
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// MarkWebhookSent records the 2xx of delivery id: sent_at is set to the DB
// clock and the attempt counted. It fails with ErrNotFound for an unknown
// id and ErrAlreadySent for a delivery no longer pending.
func (db *DB) MarkWebhookSent(ctx context.Context, id int64) error {
	return db.markWebhook(ctx, id, "mark sent", `UPDATE webhook_outbox
		SET sent_at = ?, attempts = attempts + 1, last_status = 0, last_error = '', next_attempt_at = ''
		WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL`, formatTime(db.now()), id)
}

// MarkWebhookFailed records a failed attempt of delivery id: counted, with
// its status and error, not tried again before f.NextAttempt, and never
// again when f.Permanent. Errors as MarkWebhookSent.
func (db *DB) MarkWebhookFailed(ctx context.Context, id int64, f WebhookFailure) error {
	failed := sql.NullString{String: formatTime(db.now()), Valid: f.Permanent}
	return db.markWebhook(ctx, id, "mark failed", `UPDATE webhook_outbox
		SET attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?, failed_at = ?
		WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL`, f.Status, f.Error, formatTime(f.NextAttempt), failed, id)
}

func (db *DB) markWebhook(ctx context.Context, id int64, what, query string, args ...any) error {
	res, err := db.sql.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s webhook delivery %d: %w", what, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s webhook delivery %d: %w", what, id, err)
	} else if n == 1 {
		return nil
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_outbox WHERE id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("%s webhook delivery %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s webhook delivery %d: %w", what, id, ErrNotFound)
	}
	return fmt.Errorf("%s webhook delivery %d: %w", what, id, ErrAlreadySent)
}
