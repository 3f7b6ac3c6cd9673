package netlab

// sysSetns is setns(2)'s number; package syscall's table for amd64 predates it.
const sysSetns = 308
