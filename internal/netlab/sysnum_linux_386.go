package netlab

// sysSetns is setns(2)'s number; package syscall's table for 386 predates it.
const sysSetns = 346
