#!/usr/bin/env python3
"""slowreaders: clients that ask for a scrape and never read the answer.

The load benchmark (bench/load.sh) and its bounded copy in the timed tests (LoadTests) run it
against an exporter on loopback, inside a network namespace of their own:

    slowreaders.py --port P [--clients N] [--addresses A] [--hold SECONDS] [--path /metrics]

- N clients (default 2000) connect from 127.0.0.2 ... 127.0.0.(1+A) in turn (A default 100),
  each with a 1 KB receive buffer (SO_RCVBUF, set before connecting, so the window stays
  small), and send one whole `GET <path> HTTP/1.1` with keep-alive. None of them reads.
- Once every client has connected and sent, `ready <connected> <refused>` is printed on a line
  of its own (flushed): refused counts connections the server reset or closed before the
  request was written. Then they are held --hold seconds (default 20), or until SIGTERM/SIGINT,
  and closed; `done` is printed and the tool exits 0.
"""
import argparse
import signal
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--addresses", type=int, default=100)
    parser.add_argument("--hold", type=float, default=20)
    parser.add_argument("--path", default="/metrics")
    args = parser.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    request = f"GET {args.path} HTTP/1.1\r\nHost: exporter\r\nUser-Agent: slowreaders\r\n\r\n".encode()
    clients, refused = [], 0
    for index in range(args.clients):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        client.bind((f"127.0.0.{2 + index % args.addresses}", 0))
        try:
            client.connect(("127.0.0.1", args.port))
            client.sendall(request)
            clients.append(client)
        except OSError:
            refused += 1
            client.close()
    print(f"ready {len(clients)} {refused}", flush=True)
    deadline = time.monotonic() + args.hold
    while not stop and time.monotonic() < deadline:
        time.sleep(0.1)
    for client in clients:
        client.close()
    print("done", flush=True)


if __name__ == "__main__":
    sys.exit(main())
