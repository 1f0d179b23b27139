package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// doc builds a one-clause document; heading is " > "-separated.
func doc(heading, text string) terms.Document {
	return terms.Document{Title: "Terms", Clauses: []terms.Clause{{
		Path: strings.Split(heading, " > "), Kind: terms.KindParagraph, Text: text}}}
}

// fetch is one attempt to record: at hours after t0, with the extracted
// text (stored as a document) or a failure category.
type fetch struct {
	hour    int
	text    string // "" with no failure: a good snapshot without a text hash (304)
	failure string
}

// record stores the fetches of source, in the given order, one transaction
// each, and returns their ids in the same order.
func record(tb testing.TB, db *DB, source string, fetches ...fetch) []int64 {
	tb.Helper()
	ctx := context.Background()
	var ids []int64
	for _, f := range fetches {
		mustTransact(tb, db, func(tx *Tx) error {
			s := terms.Snapshot{Source: source, FetchedAt: at(f.hour), Origin: "import", ErrorCategory: f.failure}
			if f.failure != "" {
				s.Error = "fetch " + source + ": " + f.failure
			} else if f.text != "" {
				raw := []byte("<html><p>" + f.text + "</p></html>")
				var err error
				if s.ContentHash, err = tx.PutRaw(ctx, source, raw); err != nil {
					return err
				}
				if s.TextHash, err = tx.PutDocument(ctx, doc("Terms > Data", f.text)); err != nil {
					return err
				}
				s.Status, s.Size = 200, int64(len(raw))
			} else {
				s.Status, s.NotModified = 304, true
			}
			id, err := tx.InsertSnapshot(ctx, s)
			ids = append(ids, id)
			return err
		})
	}
	return ids
}

func at(hour int) time.Time { return t0.Add(time.Duration(hour) * time.Hour) }

func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	raw := []byte("<html><p>Alpha.</p></html>")
	d := doc("Terms > Alpha", "Alpha.")
	want := terms.Snapshot{Source: "acme-terms", FetchedAt: time.Date(2026, 3, 1, 13, 0, 0, 123456789, time.FixedZone("X", 3600)),
		Status: 200, ETag: `W/"abc"`, LastModified: "Sun, 01 Mar 2026 12:00:00 GMT", ContentType: "text/html; charset=utf-8",
		Size: int64(len(raw)), Origin: "recheck", ExtractedBy: "select:main"}
	var id int64
	mustTransact(t, db, func(tx *Tx) error {
		var err error
		if want.ContentHash, err = tx.PutRaw(ctx, want.Source, raw); err != nil {
			return err
		}
		if want.TextHash, err = tx.PutDocument(ctx, d); err != nil {
			return err
		}
		id, err = tx.InsertSnapshot(ctx, want)
		return err
	})
	want.ID = id
	want.FetchedAt = want.FetchedAt.UTC()
	got, err := db.Snapshot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Snapshot mismatch (-want +got):\n%s", diff)
	}
	gotDoc, err := db.Document(ctx, want.TextHash)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, gotDoc); diff != "" {
		t.Errorf("Document mismatch (-want +got):\n%s", diff)
	}
	if want.TextHash != d.Hash() {
		t.Errorf("PutDocument hash %s, want Document.Hash %s", want.TextHash, d.Hash())
	}
}

func TestSnapshotErrors(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	if _, err := db.Snapshot(ctx, 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("Snapshot(42) = %v, want ErrNotFound", err)
	}
	if _, err := db.Document(ctx, "feed"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Document(feed) = %v, want ErrNotFound", err)
	}
	tests := []struct {
		name string
		s    terms.Snapshot
		want string
	}{
		{"no source", terms.Snapshot{FetchedAt: t0}, "empty source"},
		{"no time", terms.Snapshot{Source: "acme-terms"}, "fetched_at"},
		{"unknown blob", terms.Snapshot{Source: "acme-terms", FetchedAt: t0, ContentHash: "beef"}, "acme-terms"},
		{"unknown document", terms.Snapshot{Source: "acme-terms", FetchedAt: t0, TextHash: "beef"}, "acme-terms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Transact(ctx, func(tx *Tx) error {
				_, err := tx.InsertSnapshot(ctx, tt.s)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("InsertSnapshot = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
	if n := countRows(t, db, "snapshots"); n != 0 {
		t.Errorf("%d snapshots stored by failed inserts", n)
	}
}

func TestSnapshotsAndLast(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	// Inserted out of time order, as imports may be.
	ids := record(t, db, "acme-terms",
		fetch{hour: 3, text: "B"},
		fetch{hour: 1, text: "A"},
		fetch{hour: 4, failure: terms.ErrServer},
		fetch{hour: 2, text: "A"},
	)
	record(t, db, "other-terms", fetch{hour: 9, text: "Z"})

	all, err := db.Snapshots(ctx, "acme-terms")
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, s := range all {
		order = append(order, s.ID)
	}
	if want := []int64{ids[1], ids[3], ids[0], ids[2]}; !cmp.Equal(order, want) {
		t.Errorf("Snapshots order = %v, want %v", order, want)
	}

	tests := []struct {
		name   string
		get    func(string) (terms.Snapshot, bool, error)
		source string
		wantID int64 // 0: none
	}{
		{"last", func(s string) (terms.Snapshot, bool, error) { return db.LastSnapshot(ctx, s) }, "acme-terms", ids[2]},
		{"last good", func(s string) (terms.Snapshot, bool, error) { return db.LastGood(ctx, s) }, "acme-terms", ids[0]},
		{"last of unknown source", func(s string) (terms.Snapshot, bool, error) { return db.LastSnapshot(ctx, s) }, "nope", 0},
		{"last good of unknown source", func(s string) (terms.Snapshot, bool, error) { return db.LastGood(ctx, s) }, "nope", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok, err := tt.get(tt.source)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tt.wantID != 0) || s.ID != tt.wantID {
				t.Errorf("got id %d, %v; want %d", s.ID, ok, tt.wantID)
			}
		})
	}
}

func TestVersions(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	// Versions A (1–2), B (3–5), A again (7): a failure and a 304 in between
	// do not break a run. Inserted in a scrambled order.
	ids := record(t, db, "acme-terms",
		fetch{hour: 3, text: "B"}, // 0
		fetch{hour: 1, text: "A"}, // 1
		fetch{hour: 7, text: "A"}, // 2
		fetch{hour: 4, failure: terms.ErrTimeout},
		fetch{hour: 2, text: "A"}, // 4
		fetch{hour: 5, text: "B"}, // 5
		fetch{hour: 6},            // 6: 304 without text hash
	)
	record(t, db, "other-terms", fetch{hour: 2, text: "Q"})

	vs, err := db.Versions(ctx, "acme-terms")
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, v := range vs {
		got = append(got, v.ID)
	}
	if want := []int64{ids[1], ids[0], ids[2]}; !cmp.Equal(got, want) {
		t.Errorf("Versions = %v, want %v (first of each run, in time order)", got, want)
	}
	if vs[0].TextHash != doc("Terms > Data", "A").Hash() || vs[1].TextHash == vs[0].TextHash || vs[2].TextHash != vs[0].TextHash {
		t.Errorf("Versions text hashes do not follow A, B, A")
	}
	if none, err := db.Versions(ctx, "nope"); err != nil || len(none) != 0 {
		t.Errorf("Versions of unknown source = %v, %v", none, err)
	}

	tests := []struct {
		name   string
		after  bool
		t      time.Time
		wantID int64 // 0: none
	}{
		{"before the first", false, at(1), 0},
		{"just after the first", false, at(1).Add(time.Nanosecond), ids[1]},
		{"before B", false, at(3), ids[4]},
		{"during a failure", false, at(4).Add(30 * time.Minute), ids[0]},
		{"skips the 304", false, at(7), ids[5]},
		{"after the last", false, at(100), ids[2]},
		{"after: from the start", true, at(0), ids[1]},
		{"after: strictly later", true, at(1), ids[4]},
		{"after: skips failure and 304", true, at(5), ids[2]},
		{"after the last", true, at(7), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get := db.VersionBefore
			if tt.after {
				get = db.VersionAfter
			}
			s, ok, err := get(ctx, "acme-terms", tt.t)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tt.wantID != 0) || s.ID != tt.wantID {
				t.Errorf("got id %d, %v; want %d", s.ID, ok, tt.wantID)
			}
		})
	}
}

func TestConsecutiveFailures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		fetches []fetch
		want    int
	}{
		{"no attempts", nil, 0},
		{"never succeeded", []fetch{{hour: 1, failure: terms.ErrNetwork}, {hour: 2, failure: terms.ErrServer}, {hour: 3, failure: terms.ErrTimeout}}, 3},
		{"failing since a good one", []fetch{{hour: 1, failure: terms.ErrNetwork}, {hour: 2, text: "A"}, {hour: 3, failure: terms.ErrServer}, {hour: 4, failure: terms.ErrExtraction}}, 2},
		{"recovered", []fetch{{hour: 1, failure: terms.ErrNetwork}, {hour: 2, failure: terms.ErrNetwork}, {hour: 3, text: "A"}}, 0},
		{"a 304 is good", []fetch{{hour: 1, text: "A"}, {hour: 2, failure: terms.ErrNetwork}, {hour: 3}}, 0},
		{"out of order: old failure imported late", []fetch{{hour: 5, text: "A"}, {hour: 6, failure: terms.ErrServer}, {hour: 2, failure: terms.ErrServer}}, 1},
		{"same instant: later id wins", []fetch{{hour: 1, failure: terms.ErrServer}, {hour: 1, text: "A"}, {hour: 1, failure: terms.ErrServer}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			record(t, db, "acme-terms", tt.fetches...)
			record(t, db, "other-terms", fetch{hour: 9, failure: terms.ErrNetwork})
			n, err := db.ConsecutiveFailures(ctx, "acme-terms")
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.want {
				t.Errorf("ConsecutiveFailures = %d, want %d", n, tt.want)
			}
		})
	}
}

func TestObservations(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	ids := record(t, db, "acme-terms",
		fetch{hour: 2, text: "B"}, // 0: latest with observations
		fetch{hour: 1, text: "A"}, // 1
		fetch{hour: 3, failure: terms.ErrServer},
	)
	other := record(t, db, "acme-dpa", fetch{hour: 1, text: "D"})
	ev := func(id int64, clause string) terms.Evidence {
		return terms.Evidence{Source: "acme-terms", Snapshot: id, Clause: clause, Text: "Some sentence.", SnapshotAt: at(1)}
	}
	old := []terms.Observation{
		{Vendor: "acme", Tier: "api", Attribute: "training", Value: terms.Scalar("never"), Evidence: ev(ids[1], "Data > Training")},
		{Vendor: "acme", Tier: "api", Attribute: "retention", Value: terms.MapOf(map[string]string{"default": "30"}), Evidence: ev(ids[1], "Data > Retention")},
	}
	cur := []terms.Observation{
		{Vendor: "acme", Tier: "api", Attribute: "security", Value: terms.DenySet([]string{"sso", "soc2-type2"}, []string{"iso42001"}), Evidence: ev(ids[0], "Security")}, // a denied item is stored too
		{Vendor: "acme", Tier: "api", Attribute: "training", Value: terms.Scalar("opt-out"), Evidence: ev(ids[0], "Data > Training")},
		{Vendor: "acme", Tier: "team", Attribute: "retention", Value: terms.UnknownValue("clause Data > Retention not found"), Evidence: ev(ids[0], "")},
		{Vendor: "acme", Tier: "team", Attribute: "rights", Value: terms.Value{Set: []string{}}, Evidence: ev(ids[0], "Rights")},
	}
	dpa := []terms.Observation{
		{Vendor: "acme", Tier: "api", Attribute: "data-processor", Value: terms.Scalar("vendor"), Evidence: terms.Evidence{Source: "acme-dpa", Snapshot: other[0]}},
		{Vendor: "othervendor", Tier: "api", Attribute: "zdr", Value: terms.Scalar("available"), Evidence: terms.Evidence{Source: "acme-dpa", Snapshot: other[0]}},
	}
	mustTransact(t, db, func(tx *Tx) error {
		if err := tx.InsertObservations(ctx, ids[0], cur); err != nil {
			return err
		}
		if err := tx.InsertObservations(ctx, ids[1], old); err != nil {
			return err
		}
		return tx.InsertObservations(ctx, other[0], dpa)
	})

	got, err := db.Observations(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	// Ordered by vendor, tier, attribute: cur is written in that order.
	if diff := cmp.Diff(cur, got); diff != "" {
		t.Errorf("Observations mismatch (-want +got):\n%s", diff)
	}
	if got[2].Value.Reason == "" {
		t.Error("the reason of an unknown value was lost")
	}

	latest, err := db.LatestObservations(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := append([]terms.Observation{dpa[0]}, cur...) // acme-dpa sorts before acme-terms
	if diff := cmp.Diff(want, latest); diff != "" {
		t.Errorf("LatestObservations mismatch (-want +got):\n%s", diff)
	}

	t.Run("duplicate key", func(t *testing.T) {
		err := db.Transact(ctx, func(tx *Tx) error { return tx.InsertObservations(ctx, ids[0], cur[1:2]) })
		if err == nil || !strings.Contains(err.Error(), "acme/api/training") {
			t.Errorf("duplicate observation = %v, want an error naming it", err)
		}
	})
	t.Run("unknown snapshot", func(t *testing.T) {
		err := db.Transact(ctx, func(tx *Tx) error { return tx.InsertObservations(ctx, 999, cur[:1]) })
		if err == nil || !strings.Contains(err.Error(), "999") {
			t.Errorf("observation of a missing snapshot = %v, want an error naming it", err)
		}
	})
	t.Run("delete for reprocess", func(t *testing.T) {
		mustTransact(t, db, func(tx *Tx) error { return tx.DeleteObservations(ctx, ids[0]) })
		if got, err := db.Observations(ctx, ids[0]); err != nil || len(got) != 0 {
			t.Fatalf("Observations after delete = %v, %v", got, err)
		}
		// The latest snapshot with observations is now the older one.
		latest, err := db.LatestObservations(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		want := append([]terms.Observation{dpa[0]}, old[1], old[0]) // retention sorts before training
		if diff := cmp.Diff(want, latest); diff != "" {
			t.Errorf("LatestObservations after delete (-want +got):\n%s", diff)
		}
	})
}
