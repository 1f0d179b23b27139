package attr

import (
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"slices"
	"sync"
)

// This file keeps the readings of recent groups of sentences, so that a
// group read again (the previous version of a page re-read beside the new
// one, a page served again under another address) is not read twice. A
// reader's reading is a pure function of its group of sentences (and of
// the Reader's Lexicon, fixed per Reader): the memo is keyed by the
// attribute and a digest of everything a reader sees of each sentence.

// memoSize bounds the readings a Reader keeps; when full it starts over.
const memoSize = 4096

// readingMemo is a Reader's memo of readings. It is safe for concurrent
// use.
type readingMemo struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]Reading
}

func newReadingMemo() *readingMemo {
	return &readingMemo{m: map[[sha256.Size]byte]Reading{}}
}

// get returns a copy of the reading kept for key.
func (rm *readingMemo) get(key [sha256.Size]byte) (Reading, bool) {
	rm.mu.Lock()
	rd, ok := rm.m[key]
	rm.mu.Unlock()
	return cloneReading(rd), ok
}

func (rm *readingMemo) put(key [sha256.Size]byte, rd Reading) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if len(rm.m) >= memoSize {
		clear(rm.m)
	}
	rm.m[key] = cloneReading(rd)
}

// cloneReading copies what a Reading shares, so that no two callers hold
// the same slices or maps.
func cloneReading(rd Reading) Reading {
	rd.Value.Map = maps.Clone(rd.Value.Map)
	rd.Value.Set = slices.Clone(rd.Value.Set)
	rd.Value.Denied = slices.Clone(rd.Value.Denied)
	rd.Clause.Path = slices.Clone(rd.Clause.Path)
	rd.Sentences = slices.Clone(rd.Sentences)
	return rd
}

// sentenceDigest is a digest of what a reader sees of s: its clause (path,
// kind, text), its text, lead-in, antecedent and tiers (its normal form
// and gates are derived from these).
func sentenceDigest(s sentence) [sha256.Size]byte {
	h := sha256.New()
	field := func(b string) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write([]byte(b))
	}
	field(s.clause.Kind)
	field(s.clause.Text)
	field(s.text)
	field(s.leadIn)
	field(s.antecedent)
	for _, p := range s.clause.Path {
		field("p" + p)
	}
	field("|")
	if s.tiers == nil {
		field("nil")
	}
	for _, t := range s.tiers {
		field("t" + t)
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// groupKey is the memo key of attribute read over the sentences whose
// digests are ds.
func groupKey(attribute string, ds [][sha256.Size]byte) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(attribute)))
	h.Write(n[:])
	h.Write([]byte(attribute))
	for _, d := range ds {
		h.Write(d[:])
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}
