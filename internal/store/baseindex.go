package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
)

// A base index lets a noise-only page be stored as a patch of its source's
// base without reading, decompressing or hashing the base again: it keeps
// where the base's volatile bytes are (the runs that noise replaced so far)
// and a fingerprint of every stable segment between them. A page of the
// same length whose stable segments all have the base's fingerprints is
// the base with only its volatile bytes replaced: the patch is those bytes
// of the page, whatever the base held there. A page that differs anywhere
// else is encoded the slow way, against the decompressed base, and what
// differed is learnt for the next time.
//
// Fingerprints are two CRC-32s (Castagnoli and IEEE, both computed by the
// CPU) of the segment: 64 bits, which an accidental difference matches
// with a chance of 2^-64.
type baseIndex struct {
	size int
	vol  []span   // volatile runs, in order, not touching
	fps  []uint64 // fingerprints of the stable segments: len(vol)+1
	old  []byte   // the base's bytes in the volatile runs, end to end
}

// span is the byte range [start, stop).
type span struct{ start, stop int }

// volSlack widens each learnt run on both sides, so that a noise byte
// that happened to equal the base's at a run's edge is covered next time.
const volSlack = 8

// volGap joins two learnt runs closer than it into one: noise comes in
// clusters (a block of script tags whose order changes, a tag's several
// generated attributes), and the bytes between two of its runs that
// happened to stay the same once will not stay so next time.
const volGap = 128

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func fingerprint(b []byte) uint64 {
	return uint64(crc32.Checksum(b, castagnoli))<<32 | uint64(crc32.ChecksumIEEE(b))
}

// newBaseIndex indexes raw with the volatile runs vol (in order, not
// touching, within raw).
func newBaseIndex(raw []byte, vol []span) baseIndex {
	ix := baseIndex{size: len(raw), vol: vol, fps: make([]uint64, 0, len(vol)+1)}
	end := 0
	for _, v := range vol {
		ix.fps = append(ix.fps, fingerprint(raw[end:v.start]))
		ix.old = append(ix.old, raw[v.start:v.stop]...)
		end = v.stop
	}
	ix.fps = append(ix.fps, fingerprint(raw[end:]))
	return ix
}

// patch returns the patch (makePatch's form) that turns the base into
// next, when next has the base's length and stable segments and the patch
// takes at most limit bytes.
func (ix baseIndex) patch(next []byte, limit int) ([]byte, bool) {
	if len(next) != ix.size {
		return nil, false
	}
	end := 0
	for i, v := range ix.vol {
		if fingerprint(next[end:v.start]) != ix.fps[i] {
			return nil, false
		}
		end = v.stop
	}
	if fingerprint(next[end:]) != ix.fps[len(ix.vol)] {
		return nil, false
	}
	w := patchWriter{limit: limit}
	old := ix.old
	for _, v := range ix.vol {
		n := v.stop - v.start
		if !w.diff(old[:n], next[v.start:v.stop], v.start) {
			return nil, false
		}
		old = old[n:]
	}
	return w.out, true
}

// maxVolatile is the share of a base its volatile runs may cover: past
// it, what was learnt before is dropped, so that noise that wanders does
// not grow the index into a copy of the base.
const maxVolatile = 8

// learn returns the volatile runs of a base of size bytes: old and the
// runs of a patch of it, each widened by volSlack, merged when they touch
// or lie within volGap of each other; only the patch's when old already
// covers 1/maxVolatile of the base.
func learn(size int, old []span, patch []byte) ([]span, error) {
	runs, err := patchSpans(patch)
	if err != nil {
		return nil, err
	}
	covered := 0
	for _, v := range old {
		covered += v.stop - v.start
	}
	if covered > size/maxVolatile {
		old = nil
	}
	all := make([]span, 0, len(old)+len(runs))
	all = append(all, old...)
	for _, r := range runs {
		all = append(all, span{max(r.start-volSlack, 0), min(r.stop+volSlack, size)})
	}
	slices.SortFunc(all, func(a, b span) int { return a.start - b.start })
	var out []span
	for _, s := range all {
		if s.start >= s.stop {
			continue
		}
		if n := len(out); n > 0 && s.start <= out[n-1].stop+volGap {
			out[n-1].stop = max(out[n-1].stop, s.stop)
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// patchSpans lists the runs a patch replaces.
func patchSpans(patch []byte) ([]span, error) {
	var out []span
	err := eachRun(patch, func(pos int, run []byte) error {
		out = append(out, span{pos, pos + len(run)})
		return nil
	})
	return out, err
}

// encode renders the index: size, the number of runs, each run as the gap
// since the previous one and its length (uvarints), the fingerprints (8
// bytes each, big-endian), then the base's bytes in the runs.
func (ix baseIndex) encode() []byte {
	out := binary.AppendUvarint(nil, uint64(ix.size))
	out = binary.AppendUvarint(out, uint64(len(ix.vol)))
	end := 0
	for _, v := range ix.vol {
		out = binary.AppendUvarint(out, uint64(v.start-end))
		out = binary.AppendUvarint(out, uint64(v.stop-v.start))
		end = v.stop
	}
	for _, fp := range ix.fps {
		out = binary.BigEndian.AppendUint64(out, fp)
	}
	return append(out, ix.old...)
}

// decodeBaseIndex reads what encode writes and checks that it describes
// size bytes.
func decodeBaseIndex(b []byte, size int) (baseIndex, error) {
	next := func() (int, error) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<40 {
			return 0, errors.New("corrupt base index")
		}
		b = b[n:]
		return int(v), nil
	}
	var ix baseIndex
	var err error
	if ix.size, err = next(); err != nil {
		return baseIndex{}, err
	}
	if ix.size != size {
		return baseIndex{}, fmt.Errorf("base index of %d bytes, want %d", ix.size, size)
	}
	nvol, err := next()
	if err != nil {
		return baseIndex{}, err
	}
	if nvol > ix.size {
		return baseIndex{}, errors.New("corrupt base index: too many runs")
	}
	end, volBytes := 0, 0
	for range nvol {
		gap, err := next()
		if err != nil {
			return baseIndex{}, err
		}
		n, err := next()
		if err != nil {
			return baseIndex{}, err
		}
		start := end + gap
		if (gap == 0 && end > 0) || n == 0 || start+n > ix.size {
			return baseIndex{}, errors.New("corrupt base index: run")
		}
		ix.vol = append(ix.vol, span{start, start + n})
		end = start + n
		volBytes += n
	}
	if len(b) != 8*(nvol+1)+volBytes {
		return baseIndex{}, errors.New("corrupt base index: length")
	}
	for i := 0; i <= nvol; i++ {
		ix.fps = append(ix.fps, binary.BigEndian.Uint64(b[8*i:]))
	}
	ix.old = b[8*(nvol+1):]
	return ix, nil
}
