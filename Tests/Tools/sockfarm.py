#!/usr/bin/env python3
"""sockfarm: a known population of loopback TCP sockets, held by named processes.

The exact-count tests (SocketFarm in ExporterTests, the monitoring lab in DashboardTests) and
the benchmarks (bench/common.sh) run it inside a network namespace of their own and compare
what the exporter reports with what they asked for here.

    sockfarm.py --workers P --established N --close-wait M [--port BASE] [--hold SECONDS]

- Worker i (0 <= i < P) is a process whose name (comm, PR_SET_NAME) is `farm<i>`. It owns one
  listener on 127.0.0.1:BASE+i, with a backlog of 4096 (the kernel caps it at
  net.core.somaxconn; SocketAttributionTests checks the exporter reports that cap).
- The N ESTABLISHED connections and the M CLOSE_WAIT ones are split over the workers as evenly
  as integers allow: every worker gets N // P (and M // P), the first N % P (M % P) one more.
- A worker connects to its own listener and keeps both ends, so one ESTABLISHED connection is
  two ESTABLISHED sockets of that worker: one inbound (local port BASE+i) and one outbound
  (remote port BASE+i).
- For a CLOSE_WAIT connection the worker closes the client end at once and keeps the accepted
  end, which then sits in CLOSE_WAIT. The closed end sits in FIN_WAIT2, owned by no process,
  until the kernel times it out (net.ipv4.tcp_fin_timeout, 60 s by default).
- Once every worker holds its sockets, `ready` is printed on a line of its own (flushed): the
  one line callers wait for. Nothing else goes to stdout; errors go to stderr with exit status 1.
- Everything is held until SIGTERM or SIGINT, or until --hold seconds have passed; then the
  workers are stopped and the tool exits 0. Workers die with the tool even when it is killed
  (PR_SET_PDEATHSIG), so none outlives a test that SIGKILLs it.

Every listener is bound before the first connection is made, so no client end can be handed a
worker's port. For large farms (beyond ~28,000 connections) widen the namespace's
net.ipv4.ip_local_port_range and use more workers: each worker holds 2 descriptors per
ESTABLISHED and one per CLOSE_WAIT connection, within the RLIMIT_NOFILE hard limit.

Example (as root):
    ip netns add farm && ip netns exec farm ip link set lo up
    ip netns exec farm python3 Tests/Tools/sockfarm.py --workers 4 --established 1000 --close-wait 100
"""
import argparse
import ctypes
import os
import resource
import signal
import socket
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
LOOPBACK = "127.0.0.1"
# Descriptors a worker needs beyond its sockets: stdio, the listener, Python's own.
SPARE_DESCRIPTORS = 64
# The listeners' backlog, part of the population the tests check (min(BACKLOG, somaxconn)).
BACKLOG = 4096

libc = ctypes.CDLL(None, use_errno=True)


def arguments():
    parser = argparse.ArgumentParser(
        description="Hold a known population of loopback TCP sockets in processes named farm0, farm1, …")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--established", type=int, default=0, help="ESTABLISHED connections in all (default 0)")
    parser.add_argument("--close-wait", type=int, default=0, help="CLOSE_WAIT sockets in all (default 0)")
    parser.add_argument("--port", type=int, default=20000, help="worker i listens on PORT+i (default 20000)")
    parser.add_argument("--hold", type=float, default=3600, help="seconds to hold them (default 3600)")
    options = parser.parse_args()
    if options.workers < 1:
        parser.error("--workers must be at least 1")
    if options.established < 0 or options.close_wait < 0:
        parser.error("--established and --close-wait cannot be negative")
    if not 1 <= options.port <= 65536 - options.workers:
        parser.error(f"ports {options.port}…{options.port + options.workers - 1} are not all valid")
    return options


def share(total, workers, index):
    """Worker `index`'s part of `total`: the first total % workers workers get one more."""
    return total // workers + (1 if index < total % workers else 0)


def prctl(option, value):
    if libc.prctl(option, value, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl({option}): {os.strerror(errno)}")


def raise_descriptor_limit(index, needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and needed > hard:
        raise SystemExit(f"sockfarm: worker {index} needs {needed} descriptors, the hard limit is {hard}: "
                         "use more --workers")
    if soft != resource.RLIM_INFINITY and needed > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def work(index, listener, established, close_wait, parent, ready):
    """Worker `index`: names itself, opens its connections on `listener`, reports, then holds."""
    prctl(PR_SET_NAME, f"farm{index}".encode())
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the tool died before the line above
        return
    raise_descriptor_limit(index, 2 * established + close_wait + SPARE_DESCRIPTORS)
    address = listener.getsockname()
    held = []
    for number in range(established + close_wait):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.connect(address)
        accepted, _ = listener.accept()
        held.append(accepted)
        if number < established:
            held.append(client)
        else:
            client.close()  # the accepted end goes to CLOSE_WAIT, this one to FIN_WAIT2
    os.write(ready, b"r")
    os.close(ready)
    while True:
        signal.pause()  # until the tool stops us (SIGTERM) or dies (SIGKILL)


def main():
    options = arguments()
    # A process started by a test runner may inherit SIGTERM and SIGINT blocked (Foundation's
    # spawn mask); they are how the tool is stopped, for it and for the workers forked below.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    # Every port taken before the first connect: no client end can get a worker's port.
    listeners = []
    for index in range(options.workers):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((LOOPBACK, options.port + index))
        except OSError as error:
            raise SystemExit(f"sockfarm: cannot listen on {LOOPBACK}:{options.port + index}: {error.strerror}")
        listener.listen(BACKLOG)
        listeners.append(listener)

    parent = os.getpid()
    ready_read, ready_write = os.pipe()
    workers = []
    for index, listener in enumerate(listeners):
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(ready_read)
                for other in listeners[index + 1:]:  # those before were closed before this fork
                    other.close()
                work(index, listener, share(options.established, options.workers, index),
                     share(options.close_wait, options.workers, index), parent, ready_write)
            except SystemExit as exit:
                print(exit.code, file=sys.stderr, flush=True)
            except BaseException as error:
                print(f"sockfarm: worker {index}: {error!r}", file=sys.stderr, flush=True)
            finally:
                os._exit(status)
        workers.append(pid)
        listener.close()  # the worker's alone, so the listener is attributed to farm<i> only
    os.close(ready_write)

    def stop(code):
        for pid in workers:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in workers:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        sys.exit(code)

    signal.signal(signal.SIGTERM, lambda *_: stop(0))
    signal.signal(signal.SIGINT, lambda *_: stop(0))

    # Each worker writes one byte and closes its end: end of file before P bytes is a failure.
    reported = 0
    while reported < options.workers:
        chunk = os.read(ready_read, 64)
        if not chunk:
            print(f"sockfarm: {options.workers - reported} of {options.workers} workers failed", file=sys.stderr)
            stop(1)
        reported += len(chunk)
    os.close(ready_read)
    print("ready", flush=True)
    time.sleep(options.hold)
    stop(0)


if __name__ == "__main__":
    main()
