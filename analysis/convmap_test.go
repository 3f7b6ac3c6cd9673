package analysis

import (
	"hash/maphash"
	"testing"
)

// TestConvMapCollisions: conversations whose endpoints share a hash are all found, whichever is
// deleted first.
func TestConvMapCollisions(t *testing.T) {
	mk := func(port uint16) *tcpConv {
		c := &tcpConv{}
		c.rec.key = convKey{pa: port, pb: 80}
		return c
	}
	const h = 42
	c1, c2, c3 := mk(1), mk(2), mk(3)
	m := newConvMap()
	for _, c := range []*tcpConv{c1, c2, c3} {
		m.set(h, &c.rec.key, c)
	}
	for _, c := range []*tcpConv{c1, c2, c3} {
		if got := m.get(h, &c.rec.key); got != c {
			t.Fatalf("get(port %d) = %p, want %p", c.rec.key.pa, got, c)
		}
	}
	if m.len() != 3 {
		t.Fatalf("len = %d, want 3", m.len())
	}
	m.del(h, &c1.rec.key) // the one in the hash map: the others stay reachable
	if m.get(h, &c1.rec.key) != nil || m.get(h, &c2.rec.key) != c2 || m.get(h, &c3.rec.key) != c3 {
		t.Fatal("after deleting the first: wrong lookups")
	}
	c4 := mk(4)
	m.set(h, &c4.rec.key, c4) // the hash's slot is free again
	m.del(h, &c3.rec.key)
	if m.get(h, &c2.rec.key) != c2 || m.get(h, &c4.rec.key) != c4 || m.get(h, &c3.rec.key) != nil {
		t.Fatal("after deleting from over: wrong lookups")
	}
	// Replacing the conversation on the same endpoints (port reuse) keeps one entry.
	c2b := mk(2)
	m.set(h, &c2b.rec.key, c2b)
	if m.get(h, &c2.rec.key) != c2b || m.len() != 2 {
		t.Fatalf("replace: got %p, len %d", m.get(h, &c2.rec.key), m.len())
	}
	var k convKey
	k.pa = 9
	if m.get(7, &k) != nil {
		t.Fatal("a key never set is found")
	}
}

// TestHashKeySpreads: keys that differ in one port, one address byte or the order of the sides hash
// apart.
func TestHashKeySpreads(t *testing.T) {
	tr := NewTCPStreams()
	seen := map[uint64]bool{}
	for port := 0; port < 20000; port++ {
		k := convKey{pa: uint16(port), pb: 80}
		k.a[0], k.a[15] = 10, 4
		k.b[0], k.b[3], k.b[15] = 10, 1, 4
		seen[tr.hashKey(&k)] = true
		k.a[3] = 7
		seen[tr.hashKey(&k)] = true
	}
	if len(seen) != 40000 {
		t.Fatalf("%d distinct hashes of 40000 keys", len(seen))
	}
}

var sinkHash uint64

// BenchmarkHashKey hashes an IPv4 conversation's endpoints, as every segment whose conversation is not
// the previous segment's does.
func BenchmarkHashKey(b *testing.B) {
	tr := NewTCPStreams()
	k := convKey{pa: 80}
	k.a[0], k.a[15], k.b[0], k.b[15] = 10, 4, 10, 4
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.pb = uint16(i)
		sinkHash += tr.hashKey(&k)
	}
}

// BenchmarkHashKeyMaphash is what hashKey replaced: hash/maphash.Comparable on the same key.
func BenchmarkHashKeyMaphash(b *testing.B) {
	seed := maphash.MakeSeed()
	k := convKey{pa: 80}
	k.a[0], k.a[15], k.b[0], k.b[15] = 10, 4, 10, 4
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.pb = uint16(i)
		sinkHash += maphash.Comparable(seed, k)
	}
}

// TestConvKeyEq: eq agrees with == on keys that differ in any one byte of either address or in either port.
func TestConvKeyEq(t *testing.T) {
	var base convKey
	for i := range base.a {
		base.a[i], base.b[i] = byte(i+1), byte(100+i)
	}
	base.pa, base.pb = 80, 443
	check := func(k convKey) {
		t.Helper()
		if got, want := base.eq(&k), base == k; got != want {
			t.Fatalf("eq(%v, %v) = %v, == says %v", base, k, got, want)
		}
	}
	check(base)
	for i := range base.a {
		k := base
		k.a[i] ^= 0x40
		check(k)
		k = base
		k.b[i] ^= 1
		check(k)
	}
	k := base
	k.pa++
	check(k)
	k = base
	k.pb ^= 0x100
	check(k)
}
