#ifndef CPROCESSARGUMENTS_H
#define CPROCESSARGUMENTS_H

// The process's argv as the kernel passed it, saved before main runs. Swift's
// CommandLine.arguments on Linux reads /proc/self/cmdline, which a process started where /proc
// is not mounted cannot read: it then sees no arguments and would run with default flags.

/// The number of arguments saved (argv[0] included), or 0 when none were (the constructor did not
/// run: never with glibc, which passes argc, argv and envp to every init_array function).
int cprocargs_count(void);

/// Argument `index` (0 ≤ index < cprocargs_count()), NUL-terminated, valid for the process's life.
const char *cprocargs_argument(int index);

#endif
