//go:build linux

package netlab

import (
	"os/exec"
	"syscall"
)

// setns moves the calling OS thread into the network namespace open as fd.
func setns(fd int) error {
	if _, _, e := syscall.RawSyscall(sysSetns, uintptr(fd), syscall.CLONE_NEWNET, 0); e != 0 {
		return e
	}
	return nil
}

// dieWithParent makes the kernel kill cmd if this process dies first, so that a test binary killed by
// a timeout leaves no tcpdump behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// kill sends SIGKILL to pid.
func kill(pid int) { syscall.Kill(pid, syscall.SIGKILL) }

// alive reports whether process pid exists.
func alive(pid int) bool { return syscall.Kill(pid, 0) != syscall.ESRCH }

// interrupt asks cmd to stop as Ctrl-C does (tcpdump then writes its statistics).
func interrupt(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGINT) }
