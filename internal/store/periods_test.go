package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Values are stored as their JSON. Retention periods in days are JSON
// numbers now ({"default":30}); databases written by earlier versions hold
// them as strings ({"default":"30"}). Both must read back as the same value.
func TestRetentionPeriodsOldAndNewRows(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	ids := record(t, db, "acme-terms", fetch{hour: 1, text: "A"}, fetch{hour: 2, text: "B"})
	r30 := terms.MapOf(map[string]string{"default": "30", "files": "until-deleted"})
	r60 := terms.MapOf(map[string]string{"default": "60", "files": "until-deleted"})
	ev := terms.Evidence{Source: "acme-terms", Snapshot: ids[1], Clause: "Data > Retention", Text: "We keep it 60 days.", SnapshotAt: at(2)}

	// A row as this version writes it.
	mustTransact(t, db, func(tx *Tx) error {
		return tx.InsertObservations(ctx, ids[1], []terms.Observation{
			{Vendor: "acme", Tier: "api", Attribute: "retention", Value: r60, Evidence: ev},
		})
	})
	var raw string
	if err := db.sql.QueryRowContext(ctx, `SELECT value FROM observations WHERE snapshot_id = ?`, ids[1]).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if want := `{"default":60,"files":"until-deleted"}`; raw != want {
		t.Errorf("stored value = %s, want %s", raw, want)
	}

	// Rows as earlier versions wrote them: every period a string.
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO observations
		(snapshot_id, vendor, tier, attribute, value, reason, evidence) VALUES (?, 'acme', 'team', 'retention', ?, '', ?)`,
		ids[0], `{"default":"30","files":"until-deleted"}`,
		fmt.Sprintf(`{"source":"acme-terms","snapshot":%d,"clause":"Data > Retention","text":"We keep it 30 days.","snapshot_at":"2026-03-01T13:00:00Z"}`, ids[0])); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO events
		(kind, severity, vendor, tier, attribute, source, snapshot_at, detected_at, data)
		VALUES ('value-changed', 'critical', 'acme', 'api', 'retention', 'acme-terms', ?, ?, ?)`,
		formatTime(at(2)), formatTime(at(3)),
		`{"id":"","kind":"value-changed","severity":"critical","vendor":"acme","tier":"api","attribute":"retention",`+
			`"old":{"default":"30","files":"until-deleted"},"new":{"default":"60","files":"until-deleted"},`+
			`"source":"acme-terms","snapshot_at":"2026-03-01T14:00:00Z","detected_at":"2026-03-01T15:00:00Z"}`); err != nil {
		t.Fatal(err)
	}

	old, err := db.Observations(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	wantOld := []terms.Observation{{Vendor: "acme", Tier: "team", Attribute: "retention", Value: r30,
		Evidence: terms.Evidence{Source: "acme-terms", Snapshot: ids[0], Clause: "Data > Retention", Text: "We keep it 30 days.", SnapshotAt: at(1)}}}
	if diff := cmp.Diff(wantOld, old); diff != "" {
		t.Errorf("old observation row (-want +got):\n%s", diff)
	}
	cur, err := db.Observations(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 1 || !cur[0].Value.Equal(r60) {
		t.Errorf("new observation row read %v, want %v", cur, r60)
	}

	evs, err := db.Events(ctx, EventFilter{Attributes: []string{"retention"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("Events = %d events, want the old row", len(evs))
	}
	if e := evs[0]; e.Old == nil || e.New == nil || !e.Old.Equal(r30) || !e.New.Equal(r60) {
		t.Errorf("old event row read old %v new %v, want %v and %v", e.Old, e.New, r30, r60)
	}

	// The old event, stored again, is written in the new form and reads
	// back as the same event.
	var again []terms.Event
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		again, err = tx.InsertEvents(ctx, evs)
		return err
	})
	if err := db.sql.QueryRowContext(ctx, `SELECT data FROM events WHERE id = 2`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	want := `"old":{"default":30,"files":"until-deleted"},"new":{"default":60,"files":"until-deleted"}`
	if !strings.Contains(raw, want) {
		t.Errorf("stored event %s lacks %s", raw, want)
	}
	all, err := db.Events(ctx, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	evs[0].ID = again[0].ID
	if diff := cmp.Diff(evs[0], all[1]); diff != "" {
		t.Errorf("re-stored event (-old row +new row):\n%s", diff)
	}
}

// A set with denied items is stored with its denials (Value.StoredJSON)
// and reads back whole, from the table and from the cache of current
// observations, while the same value is an array in every JSON output.
func TestDeniedSetItemsStored(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	ids := record(t, db, "acme-terms", fetch{hour: 1, text: "A"})
	v := terms.DenySet([]string{"soc2-type2"}, []string{"iso42001"})
	ev := terms.Evidence{Source: "acme-terms", Snapshot: ids[0], Clause: "Security", Text: "We hold SOC 2; we do not hold ISO 42001.", SnapshotAt: at(1)}
	mustTransact(t, db, func(tx *Tx) error {
		return tx.InsertObservations(ctx, ids[0], []terms.Observation{{Vendor: "acme", Tier: "api", Attribute: "security", Value: v, Evidence: ev}})
	})
	var raw string
	if err := db.sql.QueryRowContext(ctx, `SELECT value FROM observations WHERE snapshot_id = ?`, ids[0]).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if want := `{"confirmed":["soc2-type2"],"denied":["iso42001"]}`; raw != want {
		t.Errorf("stored value = %s, want %s", raw, want)
	}
	got, err := db.Observations(ctx, ids[0])
	if err != nil || len(got) != 1 || !got[0].Value.Equal(v) {
		t.Fatalf("read back %+v (%v), want %s", got, err, v)
	}
	cur, err := db.LatestObservations(ctx, "acme")
	if err != nil || len(cur) != 1 || !cur[0].Value.Equal(v) {
		t.Errorf("current observations %+v (%v), want %s", cur, err, v)
	}
}
