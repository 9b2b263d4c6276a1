#!/usr/bin/env python3
"""Captures the fuzz seeds the fixtures (Tests/Fixtures) do not have, from the live kernel:

- sock-diag-messages/: the datagrams of real inet_diag dumps (TCP and UDP, IPv4 and IPv6, with
  SK_MEMINFO for UDP as the exporter asks) of a few loopback sockets, and the NLMSG_ERROR the
  kernel answers to a request for an unknown family;
- process-stat/: /proc/<pid>/stat of a process whose name holds blanks and parentheses;
- conntrack-messages/: ctnetlink's answers to the statistics requests the exporter sends
  (IPCTNL_MSG_CT_GET_STATS_CPU as a dump, IPCTNL_MSG_CT_GET_STATS), in a namespace where an
  iptables conntrack rule makes it track. `conntrack_seeds()` alone refreshes only these.

Run as root from the repository root: `ip netns add fuzzseeds && ip netns exec fuzzseeds
python3 fuzz/capture-seeds.py; ip netns delete fuzzseeds`. The files are committed; rerun only
to refresh them.
"""
import ctypes
import os
import socket
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY = 4, 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
INET_DIAG_SKMEMINFO = 4


def conntrack_seeds():
    """ctnetlink's statistics answers (the per-CPU dump up to NLMSG_DONE, and the global one)."""
    subprocess.run(["iptables", "-A", "INPUT", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP"], check=True)
    seeds = os.path.join(HERE, "seeds", "conntrack-messages")
    os.makedirs(seeds, exist_ok=True)
    NETLINK_NETFILTER = 12
    for name, message, flags in (("stats-cpu", 0x0104, NLM_F_REQUEST | NLM_F_DUMP), ("stats", 0x0105, NLM_F_REQUEST)):
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER) as nl:
            nl.sendto(struct.pack("=IHHII", 20, message, flags, 7, 0) + bytes(4), (0, 0))
            index = 0
            while True:
                datagram = nl.recv(32768)
                with open(os.path.join(seeds, f"{name}-{index}"), "wb") as out:
                    out.write(datagram)
                index += 1
                kind = struct.unpack_from("=H", datagram, 4)[0]
                if message == 0x0105 or kind in (2, 3):
                    break


def dump(family, protocol, meminfo, sequence):
    """Every datagram the kernel sends for one inet_diag_req_v2 dump, up to NLMSG_DONE/ERROR."""
    request = struct.pack("=BBBBI", family, protocol, 1 << (INET_DIAG_SKMEMINFO - 1) if meminfo else 0, 0, 0xFFFFFFFF)
    request += bytes(48)  # inet_diag_sockid: any socket
    header = struct.pack("=IHHII", 16 + len(request), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, sequence, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG) as nl:
        nl.settimeout(5)
        nl.sendto(header + request, (0, 0))
        datagrams = []
        while True:
            data = nl.recv(32768)
            datagrams.append(data)
            kinds = set()
            offset = 0
            while offset + 16 <= len(data):
                length, kind = struct.unpack_from("=IH", data, offset)
                kinds.add(kind)
                offset += (length + 3) & ~3
            if kinds & {2, 3} or not data:  # NLMSG_ERROR, NLMSG_DONE
                return datagrams


def main():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    keep = []
    for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.bind((address, 0))
        listener.listen(8)
        client = socket.create_connection(listener.getsockname()[:2])
        server, _ = listener.accept()
        client.send(b"queued")
        udp = socket.socket(family, socket.SOCK_DGRAM)
        udp.bind((address, 0))
        keep += [listener, client, server, udp]
    seeds = os.path.join(HERE, "seeds", "sock-diag-messages")
    for name, family, protocol, meminfo in (
        ("tcp4", socket.AF_INET, socket.IPPROTO_TCP, False),
        ("tcp6", socket.AF_INET6, socket.IPPROTO_TCP, False),
        ("udp4", socket.AF_INET, socket.IPPROTO_UDP, True),
        ("udp6", socket.AF_INET6, socket.IPPROTO_UDP, True),
        ("error", 99, socket.IPPROTO_TCP, False),
    ):
        for index, datagram in enumerate(dump(family, protocol, meminfo, 7)):
            with open(os.path.join(seeds, f"{name}-{index}"), "wb") as out:
                out.write(datagram)
    # A process named like nothing a stat parser expects: "a) (b" (PR_SET_NAME keeps 15 bytes).
    named_read, named_write = os.pipe()
    done_read, done_write = os.pipe()
    child = os.fork()
    if child == 0:
        libc = ctypes.CDLL(None)
        libc.prctl(15, b"a) (b c)) \xff", 0, 0, 0)
        os.write(named_write, b"x")
        os.read(done_read, 1)
        os._exit(0)
    os.read(named_read, 1)
    stats = os.path.join(HERE, "seeds", "process-stat")
    for name, pid in (("odd-name", child), ("self", os.getpid())):
        with open(f"/proc/{pid}/stat", "rb") as source, open(os.path.join(stats, name), "wb") as out:
            out.write(source.read())
    os.write(done_write, b"x")
    os.waitpid(child, 0)
    with open("/proc/stat", "rb") as source, open(os.path.join(stats, "proc-stat"), "wb") as out:
        out.write(source.read())
    conntrack_seeds()


if __name__ == "__main__":
    main()
