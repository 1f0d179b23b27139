package store

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// TestHashColumns: a hash is bound and read back as the hex it is outside
// the database; inside, a hex SHA-256 takes its 32 bytes, anything else
// (and "") stays text.
func TestHashColumns(t *testing.T) {
	h := terms.HashBytes([]byte("page"))
	if b, ok := hashArg(h).([]byte); !ok || len(b) != hashBytes {
		t.Fatalf("hashArg(%s) = %#v, want %d bytes", h, hashArg(h), hashBytes)
	}
	for _, s := range []string{"", "sel-1", h[:63] + "z", h + "0"} {
		if v, ok := hashArg(s).(string); !ok || v != s {
			t.Errorf("hashArg(%q) = %#v, want the text as it is", s, hashArg(s))
		}
	}
	if nullHash("") != nil {
		t.Errorf("nullHash(\"\") = %#v, want nil", nullHash(""))
	}
	for _, c := range []struct {
		in   any
		want string
	}{{hashArg(h), h}, {"sel-1", "sel-1"}, {nil, ""}} {
		var s string
		if err := hashDest(&s).Scan(c.in); err != nil || s != c.want {
			t.Errorf("Scan(%#v) = %q, %v; want %q", c.in, s, err, c.want)
		}
	}
	var s string
	if err := hashDest(&s).Scan(int64(3)); err == nil {
		t.Error("Scan of an integer: no error")
	}
}

// TestBinaryHashesMigration: a database written before 0009 (hashes as
// hex text: here the store's own rows turned back into that form) keeps
// every row and reference once opened, its hashes take 32 bytes, and
// what the store reads and writes next is unchanged.
func TestBinaryHashesMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "clausewatch.db")
	db := mustOpenAt(t, path)
	page := func(noise int) []byte {
		var b bytes.Buffer
		fmt.Fprintf(&b, "<html><head><meta name=build content=%08d></head><main>", noise)
		for i := range 400 {
			fmt.Fprintf(&b, "<p>Clause %d of the terms, unchanged from one request to the next.</p>", i)
		}
		return b.Bytes()
	}
	var hashes []string
	var textHash string
	for i := range 3 {
		raw := page(i)
		mustTransact(t, db, func(tx *Tx) error {
			h, err := tx.PutRaw(ctx, "acme-terms", raw)
			if err != nil {
				return err
			}
			hashes = append(hashes, h)
			if textHash, err = tx.PutDocument(ctx, doc("Terms > Data", "We keep data for thirty days.")); err != nil {
				return err
			}
			id, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: "acme-terms", FetchedAt: t0.Add(time.Duration(i) * time.Hour), Status: 200,
				ContentHash: h, Size: int64(len(raw)), TextHash: textHash, Origin: "check", SelectionHash: terms.HashBytes(raw[:40])})
			if err != nil {
				return err
			}
			return tx.InsertObservations(ctx, id, []terms.Observation{{Vendor: "acme", Tier: "api",
				Attribute: "training", Value: terms.Scalar("never"), Evidence: terms.Evidence{Source: "acme-terms", Snapshot: id}}})
		})
	}
	mustTransact(t, db, func(tx *Tx) error {
		_, err := tx.InsertSnapshot(ctx, terms.Snapshot{Source: "acme-terms", FetchedAt: t0.Add(5 * time.Hour), Origin: "check",
			ErrorCategory: "network", Error: "refused"})
		return err
	})
	before, err := db.Snapshots(ctx, "acme-terms")
	if err != nil {
		t.Fatal(err)
	}
	// Back to the form before 0009, in one transaction (the keys change
	// under the rows that reference them).
	old, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`PRAGMA defer_foreign_keys = ON`,
		`UPDATE blobs SET hash = lower(hex(hash)), base = CASE WHEN base = '' THEN '' ELSE lower(hex(base)) END`,
		`UPDATE documents SET hash = lower(hex(hash))`,
		`UPDATE snapshots SET content_hash = lower(hex(content_hash)) WHERE content_hash IS NOT NULL`,
		`UPDATE snapshots SET text_hash = lower(hex(text_hash)) WHERE text_hash IS NOT NULL`,
		`UPDATE snapshots SET selection_hash = lower(hex(selection_hash)) WHERE selection_hash <> ''`,
		`UPDATE source_bases SET base = lower(hex(base))`,
		`DELETE FROM schema_migrations WHERE version = 9`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := old.Commit(); err != nil {
		t.Fatal(err)
	}
	textBytes := func(db *DB) (text, blob int) {
		t.Helper()
		err := db.sql.QueryRow(`SELECT
			(SELECT COUNT(*) FROM blobs WHERE typeof(hash) = 'text') + (SELECT COUNT(*) FROM snapshots WHERE typeof(content_hash) = 'text'),
			(SELECT COUNT(*) FROM blobs WHERE typeof(hash) = 'blob') + (SELECT COUNT(*) FROM snapshots WHERE typeof(content_hash) = 'blob')`).Scan(&text, &blob)
		if err != nil {
			t.Fatal(err)
		}
		return text, blob
	}
	if text, blob := textBytes(db); text == 0 || blob != 0 {
		t.Fatalf("before the migration: %d text hashes and %d binary, want text only", text, blob)
	}
	db.Close()

	db = mustOpenAt(t, path)
	if text, blob := textBytes(db); text != 0 || blob == 0 {
		t.Errorf("after the migration: %d text hashes and %d binary, want binary only", text, blob)
	}
	var long int
	if err := db.sql.QueryRow(`SELECT COUNT(*) FROM blobs WHERE length(hash) <> 32 OR (base <> '' AND length(base) <> 32)`).Scan(&long); err != nil || long != 0 {
		t.Errorf("blobs with a hash or base not of 32 bytes: %d, %v", long, err)
	}
	assertIntegrity(t, db)
	if n := countRows(t, db, "observations"); n != 3 {
		t.Errorf("observations after the migration: %d, want 3", n)
	}
	after, err := db.Snapshots(ctx, "acme-terms")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("snapshots after the migration:\n%v\nwant\n%v", after, before)
	}
	for i, h := range hashes {
		raw, err := db.Raw(ctx, h)
		if err != nil || !bytes.Equal(raw, page(i)) {
			t.Errorf("Raw(%s) after the migration: %d bytes, %v", h, len(raw), err)
		}
	}
	if _, err := db.Document(ctx, textHash); err != nil {
		t.Errorf("Document(%s) after the migration: %v", textHash, err)
	}
	// The source's base index still holds: the next noise is a patch of it.
	p, err := db.PrepareRaw(ctx, "acme-terms", "", page(7), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.codec != codecPatch || p.base != hashes[0] {
		t.Errorf("noise after the migration: %s on %s, want a patch on %s", p.codec, p.base, hashes[0])
	}
}
