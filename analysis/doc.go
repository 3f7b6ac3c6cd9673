// Package analysis holds the analyzers that run over decoded packets in capture order and give each frame
// what only the frames before it can tell: the TCP stream it belongs to, its relative sequence numbers, its
// window scaling (and, in later work, Wireshark's TCP analysis flags and the diagnostics built on them).
//
// An analyzer's Observe is called once per frame, in order, on the Decoder's Packet; it writes its verdicts
// into the packet (for example Packet.TCP), where the field getters of package dissect read them.
package analysis
