package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// InsertEvents stores change events and returns them with ID set
// (terms.EventID of the row id) and DetectedAt set to the DB clock where it
// was zero. Any ID the events carry is ignored.
func (tx *Tx) InsertEvents(ctx context.Context, evs []terms.Event) ([]terms.Event, error) {
	out := make([]terms.Event, 0, len(evs))
	ids := make([]int64, 0, len(evs))
	for _, e := range evs {
		e.ID = ""
		if e.DetectedAt.IsZero() {
			e.DetectedAt = tx.db.now()
		}
		e.DetectedAt = e.DetectedAt.UTC()
		if !e.SnapshotAt.IsZero() {
			e.SnapshotAt = e.SnapshotAt.UTC()
		}
		data, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("insert %s event of %s: %w", e.Kind, e.Source, err)
		}
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO events
			(kind, severity, vendor, tier, attribute, source, snapshot_at, detected_at, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Kind, string(e.Severity), e.Vendor, e.Tier, e.Attribute, e.Source,
			formatTime(e.SnapshotAt), formatTime(e.DetectedAt), string(data))
		if err != nil {
			return nil, fmt.Errorf("insert %s event of %s: %w", e.Kind, e.Source, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("insert %s event of %s: %w", e.Kind, e.Source, err)
		}
		e.ID = terms.EventID(id)
		out = append(out, e)
		ids = append(ids, id)
	}
	return out, tx.groupChanges(ctx, out, ids)
}

// groupChanges replaces the group keys of evs (rows ids) by change ids: the
// id of each group's first event, "g-" prefixed, written into every
// member's stored data.
func (tx *Tx) groupChanges(ctx context.Context, evs []terms.Event, ids []int64) error {
	first := map[string]int64{}
	for i := range evs {
		key := evs[i].Change
		if key == "" {
			continue
		}
		if _, ok := first[key]; !ok {
			first[key] = ids[i]
		}
		evs[i].Change = terms.ChangeID(first[key])
		e := evs[i]
		e.ID = ""
		data, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("group %s event of %s: %w", e.Kind, e.Source, err)
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE events SET data = ? WHERE id = ?`, string(data), ids[i]); err != nil {
			return fmt.Errorf("group %s event of %s: %w", e.Kind, e.Source, err)
		}
	}
	return nil
}

// EventFilter selects events. Zero fields select everything: an empty list
// does not restrict, a zero Since has no lower bound, an empty MinSeverity
// admits every severity, Limit 0 has no limit.
type EventFilter struct {
	Since       time.Time      // detected_at >= Since
	Sources     []string       // source in Sources
	Vendors     []string       // vendor in Vendors
	Tiers       []string       // tier in Tiers
	Attributes  []string       // attribute in Attributes
	Kinds       []string       // kind in Kinds
	MinSeverity terms.Severity // severity at least as urgent as MinSeverity
	Limit       int            // keep only the Limit most recent matches
}

// Events returns the events matching f ordered by detected_at, then id.
// With a Limit, the most recent matches are kept (still in that order).
func (db *DB) Events(ctx context.Context, f EventFilter) ([]terms.Event, error) {
	var where []string
	var args []any
	if !f.Since.IsZero() {
		where = append(where, "detected_at >= ?")
		args = append(args, formatTime(f.Since))
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("source", f.Sources)
	in("vendor", f.Vendors)
	in("tier", f.Tiers)
	in("attribute", f.Attributes)
	in("kind", f.Kinds)
	if f.MinSeverity != "" {
		if f.MinSeverity.Rank() > terms.Info.Rank() {
			return nil, fmt.Errorf("events: unknown minimum severity %q", f.MinSeverity)
		}
		var sevs []string
		for _, s := range []terms.Severity{terms.Critical, terms.High, terms.Medium, terms.Low, terms.Info} {
			if s.AtLeast(f.MinSeverity) {
				sevs = append(sevs, string(s))
			}
		}
		in("severity", sevs)
	}
	if f.Limit < 0 {
		return nil, fmt.Errorf("events: negative limit %d", f.Limit)
	}
	q := `SELECT id, data, detected_at FROM events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit > 0 {
		q = `SELECT id, data, detected_at FROM (` + q + ` ORDER BY detected_at DESC, id DESC LIMIT ?)`
		args = append(args, f.Limit)
	}
	q += ` ORDER BY detected_at, id`
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer rows.Close()
	var out []terms.Event
	for rows.Next() {
		var id int64
		var data, detected string
		if err := rows.Scan(&id, &data, &detected); err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		var e terms.Event
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			return nil, fmt.Errorf("event %s: %w", terms.EventID(id), err)
		}
		e.ID = terms.EventID(id)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return out, nil
}
