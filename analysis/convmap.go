package analysis

import (
	"encoding/binary"
	"math/bits"
)

// convMap maps the endpoints of the live TCP conversations to them. It is keyed by a 64-bit hash of the
// endpoints (hashKey), not by the 36 bytes of the endpoints: a slot is 16 bytes instead of some 48, so
// that the thousands of conversations a trace of short connections keeps live (closed ones stay for
// closedIdleSettled or closedIdle; up to 20,774 on the benchmark's small-packet capture when every closed
// one stayed 10 s) fit in a core's L2 cache, and a lookup neither hashes nor compares 36 bytes in the map.
// The conversation found is checked against the endpoints (its record holds them); a key whose hash
// another live key already has goes to over, a map by the endpoints themselves.
type convMap struct {
	m    map[uint64]*tcpConv
	over map[convKey]*tcpConv
}

func newConvMap() convMap { return convMap{m: make(map[uint64]*tcpConv)} }

// get returns the conversation on endpoints k (whose hash is h), or nil.
func (m *convMap) get(h uint64, k *convKey) *tcpConv {
	if c := m.m[h]; c != nil && c.rec.key.eq(k) {
		return c
	}
	if len(m.over) > 0 {
		return m.over[*k]
	}
	return nil
}

// set makes c the conversation on endpoints k (whose hash is h); c.rec.key must be k.
func (m *convMap) set(h uint64, k *convKey, c *tcpConv) {
	if old := m.m[h]; old != nil && !old.rec.key.eq(k) {
		if m.over == nil {
			m.over = make(map[convKey]*tcpConv)
		}
		m.over[*k] = c
		return
	}
	m.m[h] = c
}

// del forgets the conversation on endpoints k (whose hash is h).
func (m *convMap) del(h uint64, k *convKey) {
	if c := m.m[h]; c != nil && c.rec.key.eq(k) {
		delete(m.m, h)
		return
	}
	delete(m.over, *k)
}

// len returns the number of conversations in the map.
func (m *convMap) len() int { return len(m.m) + len(m.over) }

// hashKey hashes a conversation's endpoints with the tracker's random seed (a multiply-and-fold mix, as
// wyhash's): 3.5–5 ns, where hash/maphash.Comparable takes 25–28 ns on this key (BenchmarkHashKey,
// BenchmarkHashKeyMaphash). A trace cannot
// choose colliding endpoints without knowing the seed, and collisions are handled (convMap.over, the
// tombs' second hash).
func (t *TCPStreams) hashKey(k *convKey) uint64 {
	const m1, m2 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db
	a0, a1 := binary.LittleEndian.Uint64(k.a[:8]), binary.LittleEndian.Uint64(k.a[8:])
	b0, b1 := binary.LittleEndian.Uint64(k.b[:8]), binary.LittleEndian.Uint64(k.b[8:])
	p := uint64(k.pa)<<16 | uint64(k.pb)
	h := mix64(a0^m1, a1^t.hseed)
	h = mix64(b0^m2, b1^h)
	return mix64(p^m1^h, h^m2)
}

func mix64(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}
