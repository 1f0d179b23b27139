package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"

	"github.com/clausewatch/clausewatch/internal/terms"
)

// Blob codecs (blobs.codec).
const (
	codecZstd  = "zstd"       // standalone zstd frame
	codecDelta = "zstd-delta" // zstd frame using the base blob's raw bytes as a raw dictionary
	codecPatch = "zstd-patch" // zstd frame of byte runs replaced in the base blob's raw bytes (same length)
)

// deltaWindow is the zstd window of delta frames: large enough that the
// whole dictionary (the base page, typically well under 1 MB) stays
// reachable while the new page is encoded. An encoder keeps a history of
// twice its window: with 8 MB, the two pooled encoders and the ones made
// while they were busy held 48 MB of a first run's 66 MB live heap, and
// the collector ran every 8 MB under the soft limit. A page and its base
// of more than 2 MB together are still stored, a little less small.
const deltaWindow = 2 << 20

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

	// deltaEncs pools dictionary encoders so that several sources can be
	// delta-compressed at once, each with the hash of the base it is armed
	// with: one armed with the base asked for is used as it is (the first
	// pages of a vendor share one), another is re-armed.
	encMu     sync.Mutex
	deltaEncs []armedEncoder
	// deltaSlots bounds the delta encodes running at once to the pool's
	// size (GOMAXPROCS), so that no encoder is made only to be closed.
	deltaSlots chan struct{}

	mu           sync.Mutex
	deltaDec     *zstd.Decoder
	deltaDecBase string
	bases        map[string][]byte // hash → raw bytes of full blobs
	baseOrder    []string          // insertion order of bases, for eviction

	decoded atomic.Int64 // blobs read from the database and decoded

	// scratch holds output buffers for the encoders: a frame is encoded
	// into one and copied out at its size, so that each compression does
	// not grow a new buffer from nothing.
	scratch chan []byte
}

// maxScratch is the largest output buffer the codec keeps for reuse.
const maxScratch = 4 << 20

// plainWindow is the plain encoder's window. An encoder keeps a history
// of twice its window whatever it encodes: at zstd's default of 8 MB the
// two plain encoders held 32 MB of a first run's live heap that a page
// of well under 1 MB never touches, and the collector ran that much more
// often under the soft limit. A page over 1 MB is still stored, a little
// less small.
const plainWindow = 1 << 20

func newCodec() (*codec, error) {
	c := &codec{bases: map[string][]byte{}, deltaSlots: make(chan struct{}, runtime.GOMAXPROCS(0)),
		scratch: make(chan []byte, runtime.GOMAXPROCS(0)+1)}
	var err error
	// WithLowerEncoderMem: tables and buffers sized for what is encoded,
	// not for the window.
	if c.plainEnc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithWindowSize(plainWindow), zstd.WithLowerEncoderMem(true)); err != nil {
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
	c.encMu.Lock()
	for _, e := range c.deltaEncs {
		e.enc.Close()
	}
	c.deltaEncs = nil
	c.encMu.Unlock()
	if c.deltaDec != nil {
		c.deltaDec.Close()
	}
}

// compress is the standalone compression of b.
func (c *codec) compress(b []byte) []byte { return c.encode(c.plainEnc, b) }

// encode is enc's frame of b, encoded into a scratch buffer and copied
// out at its size.
func (c *codec) encode(enc *zstd.Encoder, b []byte) []byte {
	var buf []byte
	select {
	case buf = <-c.scratch:
	default:
	}
	buf = enc.EncodeAll(b, buf[:0])
	out := bytes.Clone(buf)
	if cap(buf) <= maxScratch {
		select {
		case c.scratch <- buf:
		default:
		}
	}
	return out
}

// decompress reverses compress.
func (c *codec) decompress(b []byte) ([]byte, error) { return c.plainDec.DecodeAll(b, nil) }

// armedEncoder is a dictionary encoder and the hash of its dictionary.
type armedEncoder struct {
	enc  *zstd.Encoder
	base string
}

// compressDelta compresses b with the raw bytes base (of hash baseHash)
// as dictionary. It is safe for concurrent use: encoders come from a
// small pool.
func (c *codec) compressDelta(b []byte, baseHash string, base []byte) ([]byte, error) {
	c.deltaSlots <- struct{}{}
	defer func() { <-c.deltaSlots }()
	c.encMu.Lock()
	var e armedEncoder
	i := slices.IndexFunc(c.deltaEncs, func(e armedEncoder) bool { return e.base == baseHash })
	if i < 0 && len(c.deltaEncs) > 0 {
		i = 0
	}
	if i >= 0 {
		e = c.deltaEncs[i]
		c.deltaEncs = slices.Delete(c.deltaEncs, i, i+1)
	}
	c.encMu.Unlock()
	dict := zstd.WithEncoderDictRaw(0, base)
	switch {
	case e.enc == nil:
		var err error
		e.enc, err = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithWindowSize(deltaWindow), zstd.WithLowerEncoderMem(true), dict)
		if err != nil {
			return nil, fmt.Errorf("zstd delta encoder: %w", err)
		}
	case e.base != baseHash:
		if err := e.enc.ResetWithOptions(nil, dict); err != nil {
			e.enc.Close()
			return nil, fmt.Errorf("zstd delta encoder: %w", err)
		}
	}
	e.base = baseHash
	out := c.encode(e.enc, b)
	c.encMu.Lock()
	if len(c.deltaEncs) < cap(c.deltaSlots) { // always, as deltaSlots bounds the encoders in use
		c.deltaEncs = append(c.deltaEncs, e)
		e.enc = nil
	}
	c.encMu.Unlock()
	if e.enc != nil {
		e.enc.Close()
	}
	return out, nil
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

// Prepared is a page's raw bytes hashed and compressed for storage, ready
// for Tx.PutPrepared. Compressing is the expensive part of storing a page:
// DB.PrepareRaw does it outside the write transaction so that concurrent
// checks do not wait for each other's compression.
type Prepared struct {
	Hash   string
	size   int
	codec  string
	base   string
	data   []byte
	exists bool // already stored: nothing to write

	// source, vendor, index and indexBase, when index is set, are the
	// source's base index to record with the page (table source_bases).
	source    string
	vendor    string
	index     []byte
	indexBase string
	indexSize int
}

// smallDelta is the share of the raw size under which a delta is taken
// without also computing the standalone compression to compare with: HTML
// never compresses that well on its own.
const smallDelta = 32

// PrepareRaw hashes and compresses raw, a page fetched for source: nothing
// when the bytes are already stored; else, when the page is its source's
// base with only bytes replaced, the list of replaced runs (codec
// "zstd-patch"), found through the source's base index without reading the
// base when the replaced runs are where noise was before; else a zstd frame
// using the raw bytes of the source's most recent full blob as dictionary
// (codec "zstd-delta") when that is under 1/32 of the raw size or smaller
// than half the standalone compression, and the standalone compression
// (codec "zstd") otherwise. The first page of a source is compressed with
// the base of another source of its vendor as dictionary, when there is
// one (codec "zstd-delta"): their templates repeat. A base is a "zstd" blob
// or such a first page, and only "zstd" blobs serve as dictionaries, so
// no page is more than two steps from a "zstd" blob. Reads see the last
// committed state; the caller holds the run lock, so the base cannot
// change before Tx.PutPrepared.
//
// A page whose text is new (newText: it differs from the version in force)
// and that cannot be patched on its base becomes its source's base,
// compressed with the "zstd" blob under the old base as dictionary: the
// noise of the pages after it is then patched on it, where it would
// otherwise be delta-compressed against a base it no longer matches, each
// time, for good.
func (db *DB) PrepareRaw(ctx context.Context, source, vendor string, raw []byte, newText bool) (Prepared, error) {
	return prepareRaw(ctx, db, db.sql, source, vendor, raw, newText)
}

func prepareRaw(ctx context.Context, db *DB, q querier, source, vendor string, raw []byte, newText bool) (Prepared, error) {
	c := db.codec
	p := Prepared{Hash: terms.HashBytes(raw), size: len(raw), source: source, vendor: vendor}
	exists, done, err := db.stmt(ctx, q, sqlBlobExists)
	if err != nil {
		return p, fmt.Errorf("put raw %s of %s: %w", p.Hash, source, err)
	}
	var one int
	err = exists.QueryRowContext(ctx, hashArg(p.Hash)).Scan(&one)
	done()
	if err == nil {
		p.exists = true
		return p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("put raw %s of %s: %w", p.Hash, source, err)
	}
	limit := len(raw) / smallDelta
	// Most noise (nonces, build ids, hashed class names, tracking ids)
	// replaces bytes without moving the rest, and in the same places each
	// time: the base index finds them without the base.
	ix, ixBase, ixOK, err := loadBaseIndex(ctx, db, q, source)
	if err != nil {
		return p, fmt.Errorf("put raw %s of %s: %w", p.Hash, source, err)
	}
	if ixOK {
		if patch, ok := ix.patch(raw, limit); ok {
			p.codec, p.base, p.data = codecPatch, ixBase, c.compress(patch)
			return p, nil
		}
	}
	baseHash, err := latestFullBlob(ctx, db, q, source)
	if err != nil {
		return p, fmt.Errorf("put raw %s of %s: %w", p.Hash, source, err)
	}
	if !ixOK {
		ix = baseIndex{}
	}
	if baseHash == "" {
		return prepareFirst(ctx, db, q, p, raw)
	}
	baseRaw, err := readRaw(ctx, q, c, baseHash)
	if err != nil {
		return p, fmt.Errorf("put raw %s of %s: base: %w", p.Hash, source, err)
	}
	if ixBase != baseHash {
		ix = baseIndex{} // of another base: start over
	}
	if patch, ok := makePatch(baseRaw, raw, limit); ok {
		p.codec, p.base, p.data = codecPatch, baseHash, c.compress(patch)
		vol, err := learn(len(baseRaw), ix.vol, patch)
		if err != nil {
			return p, fmt.Errorf("put raw %s of %s: %w", p.Hash, source, err)
		}
		p.setIndex(c, baseHash, baseRaw, vol)
		return p, nil
	}
	if newText {
		return prepareRebase(ctx, db, q, p, raw, baseHash, baseRaw)
	}
	if !ixOK || ixBase != baseHash {
		p.setIndex(c, baseHash, baseRaw, nil)
	}
	onBase, err := p.deltaOrFull(c, raw, baseHash, baseRaw)
	if err != nil {
		return p, err
	}
	if !onBase {
		p.setIndex(c, p.Hash, raw, nil) // the page is the source's new base
	}
	return p, nil
}

// deltaOrFull compresses raw with base (raw bytes baseRaw) as dictionary
// when that takes under 1/smallDelta of the raw size or under half the
// standalone compression, and on its own otherwise; it reports whether it
// chose the delta.
func (p *Prepared) deltaOrFull(c *codec, raw []byte, base string, baseRaw []byte) (bool, error) {
	delta, err := c.compressDelta(raw, base, baseRaw)
	if err != nil {
		return false, fmt.Errorf("put raw %s of %s: %w", p.Hash, p.source, err)
	}
	if len(delta) < len(raw)/smallDelta {
		p.codec, p.base, p.data = codecDelta, base, delta
		return true, nil
	}
	full := c.compress(raw)
	if len(delta) < len(full)/2 {
		p.codec, p.base, p.data = codecDelta, base, delta
		return true, nil
	}
	p.codec, p.base, p.data = codecZstd, "", full
	return false, nil
}

// prepareRebase prepares a new text of p's source that cannot be patched on
// its base (baseHash, raw bytes baseRaw) as the source's new base: a delta
// on the "zstd" blob under the old base (the base itself, or the vendor
// dictionary a first page was compressed with), so that no page is more
// than two steps from a "zstd" blob; on its own when that is not smaller
// than half the standalone compression.
func prepareRebase(ctx context.Context, db *DB, q querier, p Prepared, raw []byte, baseHash string, baseRaw []byte) (Prepared, error) {
	c := db.codec
	codecName, under, _, err := loadBlob(ctx, q, baseHash)
	if err != nil {
		return p, fmt.Errorf("put raw %s of %s: base: %w", p.Hash, p.source, err)
	}
	plain, plainRaw := baseHash, baseRaw
	switch codecName {
	case codecZstd:
	case codecDelta: // a first page on a vendor dictionary: on a "zstd" blob
		if plain, plainRaw = under, nil; plain != "" {
			if plainRaw, err = readRaw(ctx, q, c, plain); err != nil {
				return p, fmt.Errorf("put raw %s of %s: dictionary of its base: %w", p.Hash, p.source, err)
			}
		}
	default: // not a base the store writes: the page on its own
		plain = ""
	}
	if plain == "" {
		p.codec, p.base, p.data = codecZstd, "", c.compress(raw)
	} else if _, err := p.deltaOrFull(c, raw, plain, plainRaw); err != nil {
		return p, err
	}
	p.setIndex(c, p.Hash, raw, nil) // the page is the source's new base
	return p, nil
}

// prepareFirst prepares the first page of p's source: compressed with the
// vendor's dictionary when there is one, else on its own. Either way it is
// the source's base.
func prepareFirst(ctx context.Context, db *DB, q querier, p Prepared, raw []byte) (Prepared, error) {
	c := db.codec
	p.codec, p.data = codecZstd, nil
	if p.vendor != "" {
		st, done, err := db.stmt(ctx, q, sqlVendorDict)
		if err != nil {
			return p, fmt.Errorf("put raw %s of %s: vendor dictionary: %w", p.Hash, p.source, err)
		}
		var dict string
		err = st.QueryRowContext(ctx, p.vendor, p.source).Scan(hashDest(&dict))
		done()
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return p, fmt.Errorf("put raw %s of %s: vendor dictionary: %w", p.Hash, p.source, err)
		default:
			dictRaw, err := readRaw(ctx, q, c, dict)
			if err != nil {
				return p, fmt.Errorf("put raw %s of %s: vendor dictionary: %w", p.Hash, p.source, err)
			}
			if p.data, err = c.compressDelta(raw, dict, dictRaw); err != nil {
				return p, fmt.Errorf("put raw %s of %s: %w", p.Hash, p.source, err)
			}
			p.codec, p.base = codecDelta, dict
		}
	}
	if p.data == nil {
		p.data = c.compress(raw)
	}
	p.setIndex(c, p.Hash, raw, nil)
	return p, nil
}

// setIndex has PutPrepared record the index of the full blob base (raw
// bytes raw) with the volatile runs vol as the source's base index.
func (p *Prepared) setIndex(c *codec, base string, raw []byte, vol []span) {
	p.index = c.compress(newBaseIndex(raw, vol).encode())
	p.indexBase, p.indexSize = base, len(raw)
}

// loadBaseIndex returns the source's base and its index: base "" when the
// source has none that can be used (no row, or a base that is not a base:
// gone, damaged, of another size), ok false when the index cannot be used
// (it does not decode).
func loadBaseIndex(ctx context.Context, db *DB, q querier, source string) (ix baseIndex, base string, ok bool, err error) {
	st, done, err := db.stmt(ctx, q, sqlBaseIndex)
	if err != nil {
		return baseIndex{}, "", false, fmt.Errorf("base index: %w", err)
	}
	var size int
	var data []byte
	err = st.QueryRowContext(ctx, source).Scan(hashDest(&base), &size, &data)
	done()
	if errors.Is(err, sql.ErrNoRows) {
		return baseIndex{}, "", false, nil
	}
	if err != nil {
		return baseIndex{}, "", false, fmt.Errorf("base index: %w", err)
	}
	b, err := db.codec.decompress(data) // the frame's checksum catches damage
	if err != nil {
		return baseIndex{}, base, false, nil
	}
	if ix, err = decodeBaseIndex(b, size); err != nil {
		return baseIndex{}, base, false, nil
	}
	return ix, base, true, nil
}

// PutPrepared writes a prepared page (nothing when its bytes are already
// stored) and returns its hash.
func (tx *Tx) PutPrepared(ctx context.Context, p Prepared) (string, error) {
	if p.exists {
		return p.Hash, nil
	}
	if p.codec == "" {
		return "", fmt.Errorf("put raw %s: not prepared", p.Hash)
	}
	ins, done, err := tx.db.stmt(ctx, tx.tx, sqlInsertBlob)
	if err != nil {
		return "", fmt.Errorf("put raw %s: %w", p.Hash, err)
	}
	_, err = ins.ExecContext(ctx, hashArg(p.Hash), p.size, p.codec, hashArg(p.base), p.data)
	done()
	if err != nil {
		return "", fmt.Errorf("put raw %s: %w", p.Hash, err)
	}
	if p.index != nil {
		up, done, err := tx.db.stmt(ctx, tx.tx, sqlPutIndex)
		if err != nil {
			return "", fmt.Errorf("put raw %s: base index of %s: %w", p.Hash, p.source, err)
		}
		_, err = up.ExecContext(ctx, p.source, p.vendor, hashArg(p.indexBase), p.indexSize, p.index)
		done()
		if err != nil {
			return "", fmt.Errorf("put raw %s: base index of %s: %w", p.Hash, p.source, err)
		}
	}
	return p.Hash, nil
}

// PutRaw stores the raw bytes of a page fetched for source and returns their
// hex SHA-256: PrepareRaw (with no vendor) and PutPrepared in the
// transaction. Bytes already
// stored are not stored again.
func (tx *Tx) PutRaw(ctx context.Context, source string, raw []byte) (string, error) {
	p, err := prepareRaw(ctx, tx.db, tx.tx, source, "", raw, false)
	if err != nil {
		return "", err
	}
	return tx.PutPrepared(ctx, p)
}

// latestFullBlob returns the hash of the base behind the source's most
// recent (by fetched_at) snapshot with content: the blob itself when it is
// a "zstd" blob or the source's recorded base (a first page compressed
// with a vendor dictionary), else its base. "" when the source has no
// stored page.
func latestFullBlob(ctx context.Context, db *DB, q querier, source string) (string, error) {
	st, done, err := db.stmt(ctx, q, sqlLatestBlob)
	if err != nil {
		return "", fmt.Errorf("latest blob: %w", err)
	}
	var hash, codecName, base string
	var recorded bool
	err = st.QueryRowContext(ctx, source).Scan(hashDest(&hash), &codecName, hashDest(&base), &recorded)
	done()
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("latest blob: %w", err)
	}
	if codecName != codecZstd && !recorded {
		return base, nil // a delta or patch: its base is the full blob
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
	return readRawAt(ctx, q, c, hash, 0)
}

// maxBaseDepth is how far a blob may be from a "zstd" blob: a patch or
// delta on a first page compressed with a vendor dictionary, itself a
// delta on a "zstd" blob.
const maxBaseDepth = 2

// readRawAt is readRaw of a blob depth steps down from the one asked for.
// Every step is checked against its hash, and a chain longer than
// maxBaseDepth is refused: the store never writes one.
func readRawAt(ctx context.Context, q querier, c *codec, hash string, depth int) ([]byte, error) {
	if b, ok := c.cachedBase(hash); ok {
		return b, nil
	}
	codecName, base, data, err := loadBlob(ctx, q, hash)
	if err != nil {
		return nil, err
	}
	c.decoded.Add(1)
	var raw []byte
	switch codecName {
	case codecZstd:
		if raw, err = c.decompress(data); err != nil {
			return nil, fmt.Errorf("raw %s: %w", hash, err)
		}
	case codecDelta, codecPatch:
		if depth >= maxBaseDepth {
			return nil, fmt.Errorf("raw %s: a %s blob %d steps from the page asked for, want a %s blob", hash, codecName, depth, codecZstd)
		}
		baseRaw, err := readRawAt(ctx, q, c, base, depth+1)
		if err != nil {
			return nil, fmt.Errorf("raw %s: base: %w", hash, err)
		}
		if codecName == codecDelta {
			raw, err = c.decompressDelta(data, base, baseRaw)
		} else {
			var patch []byte
			if patch, err = c.decompress(data); err == nil {
				raw, err = applyPatch(baseRaw, patch)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("raw %s: %w", hash, err)
		}
	default:
		return nil, fmt.Errorf("raw %s: unknown codec %q", hash, codecName)
	}
	if terms.HashBytes(raw) != hash {
		return nil, fmt.Errorf("raw %s: stored bytes do not match their hash", hash)
	}
	if codecName == codecZstd || depth > 0 {
		c.cacheBase(hash, raw) // a base, or one that may be asked for again as one
	}
	return raw, nil
}

func loadBlob(ctx context.Context, q querier, hash string) (codecName, base string, data []byte, err error) {
	err = q.QueryRowContext(ctx, `SELECT codec, base, data FROM blobs WHERE hash = ?`, hashArg(hash)).Scan(&codecName, hashDest(&base), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil, fmt.Errorf("raw %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("raw %s: %w", hash, err)
	}
	return codecName, base, data, nil
}

// makePatch lists the runs of bytes of next that differ from base, when
// both have the same length and the list takes at most limit bytes: for each
// run, the gap since the previous run and its length as uvarints, then its
// bytes. Runs closer than 8 bytes are merged.
func makePatch(base, next []byte, limit int) ([]byte, bool) {
	if len(base) != len(next) {
		return nil, false
	}
	w := patchWriter{limit: limit}
	if !w.diff(base, next, 0) {
		return nil, false
	}
	return w.out, true
}

// patchWriter builds a patch from left to right.
type patchWriter struct {
	out   []byte
	end   int // end of the previous run in the page
	limit int
}

// diff adds the runs where next, the bytes of the page at offset (past
// every run added so far), differs from base, the base's bytes there. It
// reports false when the patch would take more than limit bytes.
func (w *patchWriter) diff(base, next []byte, offset int) bool {
	for i := 0; i < len(next); {
		if next[i] == base[i] {
			i++
			continue
		}
		start, j, same := i, i, 0
		for j < len(next) && same < 8 {
			if next[j] == base[j] {
				same++
			} else {
				same = 0
			}
			j++
		}
		stop := j - same
		w.out = binary.AppendUvarint(w.out, uint64(offset+start-w.end))
		w.out = binary.AppendUvarint(w.out, uint64(stop-start))
		w.out = append(w.out, next[start:stop]...)
		if len(w.out) > w.limit {
			return false
		}
		w.end, i = offset+stop, j
	}
	return true
}

// applyPatch rebuilds the bytes makePatch described.
func applyPatch(base, patch []byte) ([]byte, error) {
	out := bytes.Clone(base)
	err := eachRun(patch, func(pos int, run []byte) error {
		if pos+len(run) > len(out) {
			return errors.New("corrupt patch: run past the end")
		}
		copy(out[pos:], run)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRun reads the runs of a patch as makePatch writes it (each run: the
// gap since the end of the one before and its length as uvarints, then
// its bytes) and calls f with each run's position and bytes, in order.
// It is the one reader of the format (applyPatch, patchSpans).
func eachRun(patch []byte, f func(pos int, run []byte) error) error {
	pos := 0
	for len(patch) > 0 {
		gap, n := binary.Uvarint(patch)
		if n <= 0 {
			return errors.New("corrupt patch: gap")
		}
		patch = patch[n:]
		size, n := binary.Uvarint(patch)
		if n <= 0 || uint64(len(patch)-n) < size {
			return errors.New("corrupt patch: run")
		}
		patch = patch[n:]
		pos += int(gap)
		if err := f(pos, patch[:size]); err != nil {
			return err
		}
		pos += int(size)
		patch = patch[size:]
	}
	return nil
}
