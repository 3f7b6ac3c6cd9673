package capture

import "encoding/binary"

// Process names of Windows traces. Neither NetMon nor ETW records a process name with each frame: NetMon
// 3.4 may write a process table, and both may hold the kernel's process events (the NT Kernel Logger's
// Process group: start, and the rundown at the start and end of the session), whose user data give a
// process id and its image file name. The readers learn the names from those events as they pass and
// name the process of the frames and events that follow. The process id of a packet event is that of
// the context the packet was logged in, often not the process that sent or received it.

// maxProcessNames bounds the process names a reader keeps.
const maxProcessNames = 1 << 16

// Process event opcodes of the kernel Process group (and the system record's type byte).
const (
	processStart   = 1
	processDCStart = 3
	processDCEnd   = 4
)

// isProcessHook reports whether a system record's hook id is a kernel process start or rundown event:
// the hook id is the event group (0x03, process) in its high byte and the type in its low byte.
func isProcessHook(h uint16) bool {
	group, typ := h>>8, h&0xff
	if group != 0x03 {
		return false
	}
	return typ == processStart || typ == processDCStart || typ == processDCEnd
}

// knownPID returns the process id of an event header, or 0 for the values that name no process
// (0xFFFFFFFF, logged by kernel events).
func knownPID(pid uint32) uint32 {
	if pid == 0xFFFFFFFF {
		return 0
	}
	return pid
}

// parseProcessEvent reads the process id and image file name from the user data of a kernel process
// event (Process_TypeGroup1): UniqueProcessKey (a pointer), ProcessId, ParentId, then from version 2
// SessionId and ExitStatus, from version 3 DirectoryTableBase (a pointer), from version 4 Flags, then the
// user's SID (4 zero bytes, or TOKEN_USER of two pointers followed by the SID) and the image file name
// (NUL-terminated ANSI). ok is false when the data do not fit that layout or the name is not printable.
func parseProcessEvent(b []byte, version uint8, ptr64 bool) (pid uint32, name string, ok bool) {
	ptr := 4
	if ptr64 {
		ptr = 8
	}
	le := binary.LittleEndian
	off := ptr
	if len(b) < off+8 {
		return 0, "", false
	}
	pid = le.Uint32(b[off:])
	off += 8 // ProcessId, ParentId
	if version >= 2 {
		off += 8 // SessionId, ExitStatus
	}
	if version >= 3 {
		off += ptr // DirectoryTableBase
	}
	if version >= 4 {
		off += 4 // Flags
	}
	if len(b) < off+4 {
		return 0, "", false
	}
	if le.Uint32(b[off:]) == 0 {
		off += 4
	} else {
		if len(b) < off+2*ptr+8 {
			return 0, "", false
		}
		off += 2*ptr + 8 + 4*int(b[off+2*ptr+1])
	}
	if off >= len(b) {
		return 0, "", false
	}
	s := b[off:]
	end := -1
	for i, c := range s {
		if c == 0 {
			end = i
			break
		}
		if c < 0x20 || c > 0x7e || i >= 260 {
			return 0, "", false
		}
	}
	if end <= 0 || pid == 0 || pid == 0xFFFFFFFF {
		return 0, "", false
	}
	return pid, string(s[:end]), true
}
