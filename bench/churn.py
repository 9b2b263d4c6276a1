#!/usr/bin/env python3
"""Keep loopback TCP connections churning, for measuring and checking socket exporters under churn.

Usage: churn.py --workers P --rate R --window W [--port BASE] [--hold SECONDS]

Worker i is a process named 'churn<i>' (its comm) that listens on 127.0.0.1:BASE+i and keeps
opening connections to worker (i+1) mod P, R a second, holding the newest W of them open and
closing the oldest; it accepts its own listener's connections and closes them when their peer
goes. A client end is closed with SO_LINGER 0 (a reset), so neither end lingers in TIME_WAIT or
FIN_WAIT: the dump stays the standing population plus about 2 * P * W churn sockets, and the
ephemeral ports do not run out. Prints 'ready' once every window is full, then, every second,
'opened <total> <unix time>' (connections opened by all workers since start) until killed or
--hold passes. Run it in a network namespace, beside Tests/Tools/sockfarm.py, on ports of its own.
"""
import argparse, collections, ctypes, os, resource, select, signal, socket, struct, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--workers", type=int, default=4)
ap.add_argument("--rate", type=float, default=1000, help="connections opened per second, per worker")
ap.add_argument("--window", type=int, default=3000, help="connections each worker keeps open")
ap.add_argument("--port", type=int, default=19000)
ap.add_argument("--hold", type=float, default=3600)
a = ap.parse_args()

RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close sends RST


def worker(index, counts, ready_w):
    ctypes.CDLL(None).prctl(15, f"churn{index}".encode(), 0, 0, 0)  # PR_SET_NAME
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * a.window + 256)), hard))
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", a.port + index))
    listener.listen(4096)
    listener.setblocking(False)
    # Every worker listens before any connects (the parent starts them all, then waits).
    time.sleep(0.5)
    target = ("127.0.0.1", a.port + (index + 1) % a.workers)
    poller = select.epoll()
    poller.register(listener.fileno(), select.EPOLLIN)
    accepted = {}
    window = collections.deque()
    opened = 0
    ready = False
    start = time.monotonic()
    deadline = start + a.hold
    while time.monotonic() < deadline:
        # Open what the rate allows by now (the window fills at full speed first).
        due = int((time.monotonic() - start) * a.rate) if ready else opened + 64
        for _ in range(min(due - opened, 256)):
            client = socket.socket()
            for attempt in range(100):  # the peer may not listen yet when the machine is loaded
                try:
                    client.connect(target)
                    break
                except ConnectionRefusedError:
                    client.close()
                    client = socket.socket()
                    time.sleep(0.05)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)
            window.append(client)
            opened += 1
            if len(window) > a.window:
                window.popleft().close()
        counts[index] = opened
        if not ready and len(window) >= a.window:
            ready = True
            start = time.monotonic() - opened / a.rate
            os.write(ready_w, b"r")
        for fd, events in poller.poll(0.002):
            if fd == listener.fileno():
                while True:
                    try:
                        server, _ = listener.accept()
                    except BlockingIOError:
                        break
                    accepted[server.fileno()] = server
                    poller.register(server.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
            else:
                server = accepted.pop(fd)
                poller.unregister(fd)
                server.close()
    os._exit(0)


def main():
    import multiprocessing
    counts = multiprocessing.Array("q", a.workers, lock=False)
    r, w = os.pipe()
    kids = []
    for i in range(a.workers):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            worker(i, counts, w)
        kids.append(pid)
    os.close(w)

    def stop(*_):
        for kid in kids:
            try:
                os.kill(kid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    got = 0
    while got < a.workers:
        b = os.read(r, 64)
        if not b:
            sys.exit("a worker failed")
        got += len(b)
    print("ready", flush=True)
    end = time.monotonic() + a.hold
    while time.monotonic() < end:
        print(f"opened {sum(counts)} {time.time():.3f}", flush=True)
        time.sleep(1)
    stop()


main()
