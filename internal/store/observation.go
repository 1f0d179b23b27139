package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// InsertObservations records the observations read from one snapshot. A
// second observation of the same (vendor, tier, attribute) for the snapshot
// is an error; use DeleteObservations first to replace them.
func (tx *Tx) InsertObservations(ctx context.Context, snapshotID int64, obs []terms.Observation) error {
	for _, o := range obs {
		value, err := o.Value.StoredJSON()
		if err != nil {
			return fmt.Errorf("insert observation %s/%s/%s of snapshot %d: value: %w", o.Vendor, o.Tier, o.Attribute, snapshotID, err)
		}
		evidence, err := json.Marshal(o.Evidence)
		if err != nil {
			return fmt.Errorf("insert observation %s/%s/%s of snapshot %d: evidence: %w", o.Vendor, o.Tier, o.Attribute, snapshotID, err)
		}
		reason := ""
		if o.Value.Unknown {
			reason = o.Value.Reason
		}
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO observations
			(snapshot_id, vendor, tier, attribute, value, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			snapshotID, o.Vendor, o.Tier, o.Attribute, string(value), reason, string(evidence)); err != nil {
			return fmt.Errorf("insert observation %s/%s/%s of snapshot %d: %w", o.Vendor, o.Tier, o.Attribute, snapshotID, err)
		}
	}
	return tx.observationsWritten(ctx, snapshotID, obs)
}

// observationsWritten bumps the generation of each vendor obs belong to and
// keeps the cache of current observations in step.
func (tx *Tx) observationsWritten(ctx context.Context, snapshotID int64, obs []terms.Observation) error {
	byVendor := map[string][]terms.Observation{}
	var order []string
	for _, o := range obs {
		if _, ok := byVendor[o.Vendor]; !ok {
			order = append(order, o.Vendor)
		}
		byVendor[o.Vendor] = append(byVendor[o.Vendor], o)
	}
	for _, v := range order {
		from, to, err := tx.bumpGeneration(ctx, v)
		if err != nil {
			return err
		}
		vo := byVendor[v]
		tx.db.current.recorded(v, from, to, vo[0].Evidence.Source, snapshotID, vo[0].Evidence.SnapshotAt, vo)
	}
	return nil
}

// DeleteObservations removes every observation of a snapshot (before
// reprocessing it).
func (tx *Tx) DeleteObservations(ctx context.Context, snapshotID int64) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT DISTINCT vendor FROM observations WHERE snapshot_id = ?`, snapshotID)
	if err != nil {
		return fmt.Errorf("delete observations of snapshot %d: %w", snapshotID, err)
	}
	var vendors []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("delete observations of snapshot %d: %w", snapshotID, err)
		}
		vendors = append(vendors, v)
	}
	rows.Close()
	for _, v := range vendors {
		if _, _, err := tx.bumpGeneration(ctx, v); err != nil {
			return err
		}
		tx.db.current.drop(v)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM observations WHERE snapshot_id = ?`, snapshotID); err != nil {
		return fmt.Errorf("delete observations of snapshot %d: %w", snapshotID, err)
	}
	return nil
}

// Observations returns the observations of a snapshot ordered by vendor,
// tier, attribute (none: an empty result, not an error).
func (db *DB) Observations(ctx context.Context, snapshotID int64) ([]terms.Observation, error) {
	return queryObservations(ctx, db.sql, fmt.Sprintf("observations of snapshot %d", snapshotID),
		`SELECT vendor, tier, attribute, value, reason, evidence FROM observations
		WHERE snapshot_id = ? ORDER BY vendor, tier, attribute`, snapshotID)
}

// LatestObservations returns what is observed of vendor now: for each
// source, every observation of vendor made from that source's latest (by
// fetched_at, then id) snapshot that has observations of vendor. Ordered by
// source, tier, attribute. Two sources may observe the same (tier,
// attribute); the caller decides which speaks for it.
func (db *DB) LatestObservations(ctx context.Context, vendor string) ([]terms.Observation, error) {
	return latestObservations(ctx, db.sql, vendor)
}

// LatestObservations is DB.LatestObservations inside the transaction,
// served from the cache of current observations while it is valid (see
// obsCache): each source's observations are together and in order, the
// sources in no set order.
func (tx *Tx) LatestObservations(ctx context.Context, vendor string) ([]terms.Observation, error) {
	gen, _, err := getState(ctx, tx.tx, genKey(vendor))
	if err != nil {
		return nil, err
	}
	if obs, ok := tx.db.current.get(vendor, gen); ok {
		return obs, nil
	}
	obs, err := latestObservations(ctx, tx.tx, vendor)
	if err != nil {
		return nil, err
	}
	tx.db.current.put(vendor, gen, obs)
	return obs, nil
}

func latestObservations(ctx context.Context, q querier, vendor string) ([]terms.Observation, error) {
	// One pass over the vendor's observations: the rows of each source's
	// latest snapshot (by fetched_at, then id) rank first.
	return queryObservations(ctx, q, "latest observations of "+vendor, `
		SELECT vendor, tier, attribute, value, reason, evidence FROM (
			SELECT o.vendor, o.tier, o.attribute, o.value, o.reason, o.evidence, s.source,
				RANK() OVER (PARTITION BY s.source ORDER BY s.fetched_at DESC, s.id DESC) AS r
			FROM observations o JOIN snapshots s ON s.id = o.snapshot_id
			WHERE o.vendor = ?)
		WHERE r = 1
		ORDER BY source, tier, attribute`, vendor)
}

func queryObservations(ctx context.Context, q querier, what, query string, args ...any) ([]terms.Observation, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []terms.Observation
	for rows.Next() {
		var o terms.Observation
		var value, reason, evidence string
		if err := rows.Scan(&o.Vendor, &o.Tier, &o.Attribute, &value, &reason, &evidence); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if err := json.Unmarshal([]byte(value), &o.Value); err != nil {
			return nil, fmt.Errorf("%s: %s/%s/%s: value: %w", what, o.Vendor, o.Tier, o.Attribute, err)
		}
		if o.Value.Unknown {
			o.Value.Reason = reason
		}
		if err := json.Unmarshal([]byte(evidence), &o.Evidence); err != nil {
			return nil, fmt.Errorf("%s: %s/%s/%s: evidence: %w", what, o.Vendor, o.Tier, o.Attribute, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
