// Package supervise is the attempt supervisor of package command: one
// process per lossexp process that starts every attempt of a training
// command and makes sure nothing an attempt started outlives it, or
// lossexp (kill -9 included), except what left the attempt's session on
// purpose (setsid).
//
// lossexp starts it once, on the first attempt: its own binary again
// (/proc/self/exe) with argv[0] = Arg0, which this package's init
// recognises. They talk over a unix SOCK_SEQPACKET socket (fd 3 of the
// supervisor), one JSON message per packet:
//
//   - lossexp → supervisor: {"op": "start", "id", "path", "argv", "env",
//     "dir", "grace"} with the attempt's stdout and stderr as SCM_RIGHTS;
//     {"op": "stop", "id"} (timeout, Ctrl-C).
//   - supervisor → lossexp: one Report per attempt, when it is over.
//
// The supervisor is a child subreaper (PR_SET_CHILD_SUBREAPER): what an
// attempt starts stays its descendant when a parent exits. Each program
// starts in a session of its own (setsid: its pid is the session id),
// with the parent-death signal SIGKILL. When the program exits, or lossexp
// asks for a stop, every process still in the session is stopped:
// SIGTERM, the grace period, SIGKILL; then the report is sent. A process
// that moved to a session of its own is left running and named: in the
// report when it is still a descendant of the attempt's session, or an
// orphan that kept the attempt's environment; else on the supervisor's
// stderr (lossexp's) when lossexp ends. When the socket reaches EOF
// (lossexp is gone, however it ended) every session is SIGKILLed at once,
// the escaped processes are named on stderr, and the supervisor exits.
//
// It is a package of its own, importing little, so that its init runs
// before those of the heavy packages of the binary it is linked into.
package supervise
