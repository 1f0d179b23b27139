package store

import (
	"context"
	"fmt"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Observations returns the observations of a snapshot inside the
// transaction, ordered like DB.Observations.
func (tx *Tx) Observations(ctx context.Context, snapshotID int64) ([]terms.Observation, error) {
	return queryObservations(ctx, tx.tx, fmt.Sprintf("observations of snapshot %d", snapshotID),
		`SELECT vendor, tier, attribute, value, reason, evidence FROM observations
		WHERE snapshot_id = ? ORDER BY vendor, tier, attribute`, snapshotID)
}

// SetTextHash points a snapshot at another extracted document (already
// stored with PutDocument): reprocess uses it when today's extraction of the
// stored bytes differs from the one recorded. ErrNotFound when no such
// snapshot exists.
func (tx *Tx) SetTextHash(ctx context.Context, snapshotID int64, textHash string) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE snapshots SET text_hash = ? WHERE id = ?`, nullHash(textHash), snapshotID)
	if err != nil {
		return fmt.Errorf("set text hash of snapshot %d: %w", snapshotID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set text hash of snapshot %d: %w", snapshotID, ErrNotFound)
	}
	return nil
}

// SetExtractedBy records another way the document of a snapshot was found
// (terms.Snapshot.ExtractedBy): reprocess uses it when today's declarations
// read the stored bytes another way. ErrNotFound when no such snapshot
// exists.
func (tx *Tx) SetExtractedBy(ctx context.Context, snapshotID int64, method string) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE snapshots SET extracted_by = ? WHERE id = ?`, method, snapshotID)
	if err != nil {
		return fmt.Errorf("set extracted_by of snapshot %d: %w", snapshotID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set extracted_by of snapshot %d: %w", snapshotID, ErrNotFound)
	}
	return nil
}
