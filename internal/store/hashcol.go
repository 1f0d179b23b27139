package store

import (
	"encoding/hex"
	"fmt"
)

// Hashes (a blob's, a document's, a snapshot's selection) are hex SHA-256
// strings everywhere outside the database and 32 raw bytes inside it
// (migration 0009): half the bytes in each row and in each index that
// holds one. hashArg binds a hash, hashCol scans one; a value that is not
// a hex SHA-256 (a test's made-up hash) is bound and read back as the text
// it is, and "" stays "" (what a zstd blob's base and a snapshot's
// selection hold when there is none).

// hashArg is the database form of the hash h.
func hashArg(h string) any {
	if len(h) != 2*hashBytes {
		return h
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return h
	}
	return b
}

// nullHash is hashArg with NULL for "" (the columns that reference a
// table: a failed fetch has no blob and no document).
func nullHash(h string) any {
	if h == "" {
		return nil
	}
	return hashArg(h)
}

// hashBytes is the length of a SHA-256.
const hashBytes = 32

// hashCol scans a hash into the string it points to: raw bytes as hex,
// text as it is, NULL as "".
type hashCol struct{ s *string }

// hashDest is the Scan destination for a hash column.
func hashDest(s *string) hashCol { return hashCol{s} }

func (c hashCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.s = ""
	case []byte:
		*c.s = hex.EncodeToString(v)
	case string:
		*c.s = v
	default:
		return fmt.Errorf("hash column: unexpected %T", v)
	}
	return nil
}
