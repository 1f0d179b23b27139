package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Blob codecs (blobs.codec).
const (
	codecZstd  = "zstd"       // standalone zstd frame
	codecDelta = "zstd-delta" // zstd frame using the base blob's raw bytes as a raw dictionary
)

// deltaWindow is the zstd window of delta frames: large enough that the
// whole dictionary (the base page, typically well under 1 MB) stays
// reachable while the new page is encoded.
const deltaWindow = 8 << 20

// maxDecodeWindow bounds the window a stored frame may ask for.
const maxDecodeWindow = 1 << 30

// baseCacheSize is how many decoded full blobs the codec keeps, so that a
// run over many sources does not decompress each base twice.
const baseCacheSize = 16

// codec holds the zstd encoders and decoders of one DB. The plain ones are
// safe for concurrent EncodeAll/DecodeAll; the dictionary ones are re-armed
// with a new dictionary per base and so are guarded by mu.
type codec struct {
	plainEnc *zstd.Encoder
	plainDec *zstd.Decoder

	mu           sync.Mutex
	deltaEnc     *zstd.Encoder
	deltaEncBase string
	deltaDec     *zstd.Decoder
	deltaDecBase string
	bases        map[string][]byte // hash → raw bytes of full blobs
	baseOrder    []string          // insertion order of bases, for eviction
}

func newCodec() (*codec, error) {
	c := &codec{bases: map[string][]byte{}}
	var err error
	if c.plainEnc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault)); err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	if c.plainDec, err = zstd.NewReader(nil, zstd.WithDecoderMaxWindow(maxDecodeWindow)); err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	return c, nil
}

func (c *codec) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.plainEnc.Close()
	c.plainDec.Close()
	if c.deltaEnc != nil {
		c.deltaEnc.Close()
	}
	if c.deltaDec != nil {
		c.deltaDec.Close()
	}
}

// compress is the standalone compression of b.
func (c *codec) compress(b []byte) []byte { return c.plainEnc.EncodeAll(b, nil) }

// decompress reverses compress.
func (c *codec) decompress(b []byte) ([]byte, error) { return c.plainDec.DecodeAll(b, nil) }

// compressDelta compresses b with the raw bytes base (whose hash is
// baseHash) as dictionary.
func (c *codec) compressDelta(b []byte, baseHash string, base []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	dict := zstd.WithEncoderDictRaw(0, base)
	switch {
	case c.deltaEnc == nil:
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithWindowSize(deltaWindow), dict)
		if err != nil {
			return nil, fmt.Errorf("zstd delta encoder: %w", err)
		}
		c.deltaEnc = enc
	case c.deltaEncBase != baseHash:
		if err := c.deltaEnc.ResetWithOptions(nil, dict); err != nil {
			c.deltaEncBase = ""
			return nil, fmt.Errorf("zstd delta encoder: %w", err)
		}
	}
	c.deltaEncBase = baseHash
	return c.deltaEnc.EncodeAll(b, nil), nil
}

// decompressDelta reverses compressDelta.
func (c *codec) decompressDelta(b []byte, baseHash string, base []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	dict := zstd.WithDecoderDictRaw(0, base)
	switch {
	case c.deltaDec == nil:
		dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(maxDecodeWindow), dict)
		if err != nil {
			return nil, fmt.Errorf("zstd delta decoder: %w", err)
		}
		c.deltaDec = dec
	case c.deltaDecBase != baseHash:
		if err := c.deltaDec.ResetWithOptions(nil, dict); err != nil {
			c.deltaDecBase = ""
			return nil, fmt.Errorf("zstd delta decoder: %w", err)
		}
	}
	c.deltaDecBase = baseHash
	return c.deltaDec.DecodeAll(b, nil)
}

// cachedBase returns the raw bytes of a full blob if cached. Content
// addressing makes the cache always valid: a hash names one byte string.
func (c *codec) cachedBase(hash string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.bases[hash]
	return b, ok
}

func (c *codec) cacheBase(hash string, raw []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.bases[hash]; ok {
		return
	}
	if len(c.baseOrder) >= baseCacheSize {
		delete(c.bases, c.baseOrder[0])
		c.baseOrder = c.baseOrder[1:]
	}
	c.bases[hash] = raw
	c.baseOrder = append(c.baseOrder, hash)
}

// PutRaw stores the raw bytes of a page fetched for source and returns their
// hex SHA-256. Bytes already stored are not stored again. New bytes are
// compressed with the raw bytes of the source's most recent full blob as a
// zstd dictionary (codec "zstd-delta") when that is smaller than half their
// standalone compression, else stored standalone (codec "zstd"). A delta is
// decoded back and checked against the hash before it is written.
func (tx *Tx) PutRaw(ctx context.Context, source string, raw []byte) (string, error) {
	hash := terms.HashBytes(raw)
	var one int
	err := tx.tx.QueryRowContext(ctx, `SELECT 1 FROM blobs WHERE hash = ?`, hash).Scan(&one)
	if err == nil {
		return hash, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("put raw %s of %s: %w", hash, source, err)
	}
	c := tx.db.codec
	full := c.compress(raw)
	codecName, base, data := codecZstd, "", full

	baseHash, err := tx.latestFullBlob(ctx, source)
	if err != nil {
		return "", fmt.Errorf("put raw %s of %s: %w", hash, source, err)
	}
	if baseHash != "" {
		baseRaw, err := readRaw(ctx, tx.tx, c, baseHash)
		if err != nil {
			return "", fmt.Errorf("put raw %s of %s: base: %w", hash, source, err)
		}
		delta, err := c.compressDelta(raw, baseHash, baseRaw)
		if err != nil {
			return "", fmt.Errorf("put raw %s of %s: %w", hash, source, err)
		}
		if len(delta) < len(full)/2 {
			back, err := c.decompressDelta(delta, baseHash, baseRaw)
			if err != nil || terms.HashBytes(back) != hash {
				return "", fmt.Errorf("put raw %s of %s: delta against %s does not decode back (%v)", hash, source, baseHash, err)
			}
			codecName, base, data = codecDelta, baseHash, delta
		}
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO blobs (hash, size, codec, base, data) VALUES (?, ?, ?, ?, ?)`,
		hash, len(raw), codecName, base, data); err != nil {
		return "", fmt.Errorf("put raw %s of %s: %w", hash, source, err)
	}
	return hash, nil
}

// latestFullBlob returns the hash of the full blob behind the source's most
// recent (by fetched_at) snapshot with content: the blob itself, or its base
// when it is a delta. "" when the source has no stored page.
func (tx *Tx) latestFullBlob(ctx context.Context, source string) (string, error) {
	var hash, codecName, base string
	err := tx.tx.QueryRowContext(ctx, `SELECT b.hash, b.codec, b.base
		FROM snapshots s JOIN blobs b ON b.hash = s.content_hash
		WHERE s.source = ?
		ORDER BY s.fetched_at DESC, s.id DESC LIMIT 1`, source).Scan(&hash, &codecName, &base)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("latest blob: %w", err)
	}
	if codecName == codecDelta {
		return base, nil
	}
	return hash, nil
}

// Raw returns the raw bytes stored under contentHash, checked against the
// hash. It fails with ErrNotFound when there are none.
func (db *DB) Raw(ctx context.Context, contentHash string) ([]byte, error) {
	b, err := readRaw(ctx, db.sql, db.codec, contentHash)
	return bytes.Clone(b), err // b may be shared with the cache
}

// Raw is DB.Raw inside the transaction.
func (tx *Tx) Raw(ctx context.Context, contentHash string) ([]byte, error) {
	b, err := readRaw(ctx, tx.tx, tx.db.codec, contentHash)
	return bytes.Clone(b), err // b may be shared with the cache
}

// readRaw returns the raw bytes of hash; the slice may be shared with the
// base cache and must not be modified.
func readRaw(ctx context.Context, q querier, c *codec, hash string) ([]byte, error) {
	if b, ok := c.cachedBase(hash); ok {
		return b, nil
	}
	codecName, base, data, err := loadBlob(ctx, q, hash)
	if err != nil {
		return nil, err
	}
	var raw []byte
	switch codecName {
	case codecZstd:
		if raw, err = c.decompress(data); err != nil {
			return nil, fmt.Errorf("raw %s: %w", hash, err)
		}
	case codecDelta:
		baseRaw, ok := c.cachedBase(base)
		if !ok {
			baseCodec, _, baseData, err := loadBlob(ctx, q, base)
			if err != nil {
				return nil, fmt.Errorf("raw %s: base: %w", hash, err)
			}
			if baseCodec != codecZstd {
				return nil, fmt.Errorf("raw %s: base %s is a %s blob, want %s", hash, base, baseCodec, codecZstd)
			}
			if baseRaw, err = c.decompress(baseData); err != nil {
				return nil, fmt.Errorf("raw %s: base %s: %w", hash, base, err)
			}
			if terms.HashBytes(baseRaw) != base {
				return nil, fmt.Errorf("raw %s: base %s: stored bytes do not match their hash", hash, base)
			}
			c.cacheBase(base, baseRaw)
		}
		if raw, err = c.decompressDelta(data, base, baseRaw); err != nil {
			return nil, fmt.Errorf("raw %s: %w", hash, err)
		}
	default:
		return nil, fmt.Errorf("raw %s: unknown codec %q", hash, codecName)
	}
	if terms.HashBytes(raw) != hash {
		return nil, fmt.Errorf("raw %s: stored bytes do not match their hash", hash)
	}
	if codecName == codecZstd {
		c.cacheBase(hash, raw)
	}
	return raw, nil
}

func loadBlob(ctx context.Context, q querier, hash string) (codecName, base string, data []byte, err error) {
	err = q.QueryRowContext(ctx, `SELECT codec, base, data FROM blobs WHERE hash = ?`, hash).Scan(&codecName, &base, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil, fmt.Errorf("raw %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("raw %s: %w", hash, err)
	}
	return codecName, base, data, nil
}
