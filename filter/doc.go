// Package filter implements Wireshark's display-filter language (the 4.0 syntax and semantics) over the
// field registry: a filter typed in Wireshark selects the same frames here.
//
// A filter goes through three steps, kept apart so that each can be tested and reused:
//
//   - Parse turns the text into an inert Expr: a syntax tree that prints back in a normalised form
//     (Expr.String) and lists the fields it names (Expr.Fields). Parse knows the registry only to tell a
//     field name from a literal on the right of a comparison.
//   - Compile checks the Expr against the field registry (unknown fields, type mismatches, literals that
//     do not fit the field, bad regular expressions) and turns it into a Program.
//   - Program.Match evaluates the filter on a decoded packet. It reads only the fields the filter names,
//     through dissect.Packet.Values, so a filter works on any registered field, including those that later
//     analysis fills in; no details tree is built. The common forms do not allocate.
//
// Every error is an *Error with the position and length of the offending text, printed by Error.Caret
// under the filter as tshark does.
//
// Semantics follow Wireshark 4.0 where a field occurs several times in a frame (tcp.port, ip.addr in a
// tunnel): ==, <, contains, matches and in hold if any occurrence does; != (all_ne) holds if the field is
// present and no occurrence equals the value; === (all_eq) if it is present and every occurrence equals
// it; !== (any_ne, ~=) if some occurrence differs; "not in" is the negation of "in". A comparison with a
// field that is absent is false. matches is case-insensitive unless the pattern says (?-i), as in
// Wireshark (which compiles with PCRE2_CASELESS); patterns use Go's RE2 syntax, so back-references and
// look-around are rejected. Extensions to 4.0: xor and ^^ (from later Wireshark versions, between or and and
// in precedence) and protocol names in upper case (TCP, HTTP).
package filter
