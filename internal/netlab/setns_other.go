//go:build !linux

package netlab

import (
	"errors"
	"os/exec"
)

// On other systems Available reports false, so New skips before any of these is used.

func setns(fd int) error { return errors.New("network namespaces need Linux") }

func dieWithParent(cmd *exec.Cmd) {}

func kill(pid int) {}

func alive(pid int) bool { return true }

func interrupt(cmd *exec.Cmd) error { return cmd.Process.Kill() }
