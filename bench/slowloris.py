#!/usr/bin/env python3
"""Slowloris benchmark (issue 9 part 3), the long version of HTTPAbuseTests.

Runs the exporter on loopback with its default limits, measures scrape latency from 127.0.0.250
with nobody else connected (the reference), then again while 1,000 connections from 127.0.0.2
and 1,000 spread over 127.0.0.3 ... 127.0.0.102 each send a header byte every 3 s and never
finish; an attacker the exporter closed (per-address limit, read deadline) reconnects at once.
Prints latency percentiles, their ratio to the reference, and the exporter's threads, RSS and
open descriptors sampled during the attack.

    python3 bench/slowloris.py                      # 60 s attack, .build/release binary
    SECONDS_UNDER_ATTACK=600 EXPORTER=.build/debug/netstat_exporter python3 bench/slowloris.py

Needs the procfs fixtures (Tests/Fixtures) and ~2,100 descriptors (raised here). Not part of
`make test`.
"""
import os, resource, select, socket, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORTER = os.environ.get("EXPORTER", os.path.join(ROOT, ".build/release/netstat_exporter"))
PROCFS = os.path.join(ROOT, "Tests/Fixtures/procfs/proc")
ATTACK = float(os.environ.get("SECONDS_UNDER_ATTACK", "60"))
SCRAPER = "127.0.0.250"


def scrape(port):
    started = time.monotonic()
    with socket.socket() as s:
        s.bind((SCRAPER, 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.monotonic() - started


def attacker(source, port):
    """A connection from `source` that sends the start of a request and will never finish it."""
    s = socket.socket()
    s.bind((source, 0))
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    poller = select.poll()
    poller.register(s, select.POLLOUT)
    poller.poll(50)
    try:
        s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-a: ")
    except OSError:
        pass
    return s


def vitals(pid):
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return (int(fields["Threads"]), int(fields["VmRSS"].split()[0]) // 1024, len(os.listdir(f"/proc/{pid}/fd")))


def percentiles(seconds):
    ordered = sorted(seconds)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1], ordered[-1]


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    exporter = subprocess.Popen([EXPORTER, "--web.listen-address=127.0.0.1:0", f"--path.procfs={PROCFS}"]
                                + os.environ.get("EXTRA_FLAGS", "").split(),
                                stderr=subprocess.PIPE, text=True)
    line = exporter.stderr.readline()
    port = int(line.split("address=")[1].split()[0].rsplit(":", 1)[1])
    try:
        reference = [scrape(port) for _ in range(100)]
        idle = vitals(exporter.pid)
        sources = ["127.0.0.2"] * 1000 + [f"127.0.0.{3 + i % 100}" for i in range(1000)]
        attackers = [attacker(source, port) for source in sources]
        under, samples = [], []
        reconnects = 0
        end = time.monotonic() + ATTACK
        next_dribble = time.monotonic() + 3
        while time.monotonic() < end:
            if time.monotonic() >= next_dribble:
                # Each attacker sends one more byte; one the exporter closed comes back at once.
                for index, s in enumerate(attackers):
                    if _closed(s):
                        s.close()
                        attackers[index] = attacker(sources[index], port)
                        reconnects += 1
                    else:
                        try:
                            s.send(b"a")
                        except OSError:
                            pass
                next_dribble += 3
                samples.append(vitals(exporter.pid))
            under.append(scrape(port))
            time.sleep(0.25)
        held = sum(1 for s in attackers if s.fileno() >= 0 and not _closed(s))
        for s in attackers:
            s.close()
    finally:
        exporter.terminate()
        exporter.wait(10)
    ref = percentiles([t for _, t in reference])
    att = percentiles([t for _, t in under])
    print(f"binary {EXPORTER}, attack {ATTACK:.0f} s, {len(attackers)} slowloris connections "
          f"({reconnects} reconnects after the exporter closed them), {held} held at the end")
    print(f"{'':18}{'scrapes':>8}{'non-200':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print(f"{'reference':18}{len(reference):8}{sum(s != 200 for s, _ in reference):8}"
          + "".join(f"{v * 1000:9.1f}" for v in ref))
    print(f"{'under slowloris':18}{len(under):8}{sum(s != 200 for s, _ in under):8}"
          + "".join(f"{v * 1000:9.1f}" for v in att))
    print(f"ratio under/reference: p50 {att[0] / ref[0]:.2f}, p99 {att[1] / ref[1]:.2f}")
    print(f"idle: threads={idle[0]} rss={idle[1]}MiB fds={idle[2]}")
    print("under attack (every 3 s): threads " + " ".join(str(s[0]) for s in samples))
    print("                          rss MiB " + " ".join(str(s[1]) for s in samples))
    print("                          fds     " + " ".join(str(s[2]) for s in samples))
    return 0 if all(s == 200 for s, _ in under) else 1


def _closed(s):
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


if __name__ == "__main__":
    sys.exit(main())
