#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""peers_load.py: send the same messages to several SMTP servers, each
message to every server in turn, so that whatever else the machine does
falls on all of them alike (bench/peers.sh).

usage: peers_load.py --corpus MANIFEST --count N --per-conn K --conc C
                     --rcpt ADDR TARGET...

TARGET is NAME=NETNS:HOST:PORT: the server NAME listens on HOST:PORT in
the network namespace NETNS (ip netns, /run/netns/NETNS; "-" for this
process's own). A MANIFEST line is "SOURCE_ADDRESS MAIL_FROM FILE" ("<>"
for the null sender). The N messages are the manifest's in turn; they
go K to an SMTP session, each session's messages from one source
address (so the sessions of K = 1 and K = 10 carry the same messages).
Every session is made to every target, one after the other, in orders
that let each target follow every other equally often (a Williams
design: a server that runs right after an identical one finds the
machine's caches warm for it, and a fixed order would flatter it); C
workers do so side by side. The client
closes right after sending QUIT (Exim 4.96 answers QUIT late).

Prints one line per target, "NAME CODE=COUNT ...", the replies to the
ends of DATA (and "err:..." for sessions that failed), and exits 1 when
any target answered otherwise than 250.
"""
import argparse
import asyncio
import ctypes
import os
import socket
import sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: " + os.strerror(err))


class Target:
    def __init__(self, spec):
        self.name, _, where = spec.partition("=")
        ns, self.host, port = where.split(":")
        self.port = int(port)
        self.nsfd = None if ns == "-" else os.open("/run/netns/" + ns,
                                                   os.O_RDONLY)
        self.codes = {}


OWN_NS = os.open("/proc/self/ns/net", os.O_RDONLY)


def socket_in(target, source):
    """A TCP socket of TARGET's namespace, bound to SOURCE there."""
    if target.nsfd is not None:
        setns(target.nsfd)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if source:
            s.bind((source, 0))
    finally:
        if target.nsfd is not None:
            setns(OWN_NS)
    s.setblocking(False)
    return s


async def expect(reader, code):
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("connection closed")
        if line[3:4] != b"-":
            if not line.startswith(code):
                raise RuntimeError(line.decode(errors="replace").strip())
            return line


async def session(target, source, msgs, rcpt):
    """One SMTP session to TARGET carrying MSGS [(mail_from, data)]."""
    sock = socket_in(target, source)
    await asyncio.get_running_loop().sock_connect(sock, (target.host,
                                                         target.port))
    reader, writer = await asyncio.open_connection(sock=sock)
    try:
        await expect(reader, b"220")
        writer.write(b"EHLO load.example\r\n")
        await expect(reader, b"250")
        for mail_from, data in msgs:
            writer.write(b"MAIL FROM:<%s>\r\n" % mail_from.encode())
            await expect(reader, b"250")
            writer.write(b"RCPT TO:<%s>\r\n" % rcpt.encode())
            await expect(reader, b"250")
            writer.write(b"DATA\r\n")
            await expect(reader, b"354")
            writer.write(data + b".\r\n")
            line = await reader.readline()
            code = line[:3].decode() or "err:closed"
            target.codes[code] = target.codes.get(code, 0) + 1
            if code != "250":
                writer.write(b"RSET\r\n")
                await expect(reader, b"250")
        writer.write(b"QUIT\r\n")
        await writer.drain()
    finally:
        writer.close()


def smtp_data(path):
    """The message in PATH as DATA sends it: CRLF, dots doubled."""
    with open(path, "rb") as f:
        raw = f.read().replace(b"\r\n", b"\n")
    lines = [(b"." + l if l.startswith(b".") else l) for l in raw.split(b"\n")]
    return b"\r\n".join(lines).rstrip(b"\r\n") + b"\r\n"


def read_manifest(path):
    """(source, mail_from, data) for every line of a corpus manifest."""
    corpus = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                source, mail_from, msg = line.split()
                corpus.append((source, "" if mail_from == "<>" else mail_from,
                               smtp_data(msg)))
    return corpus


def williams(n):
    """Orders of range(n) in which each is first, and follows each other,
    equally often: n orders for even n, 2n for odd n."""
    first, lo, hi = [0], 1, n - 1
    while len(first) < n:
        first.append(lo)
        lo += 1
        if len(first) < n:
            first.append(hi)
            hi -= 1
    rows = [[(x + r) % n for x in first] for r in range(n)]
    if n % 2:
        rows += [row[::-1] for row in rows]
    return rows


def sessions(corpus, count, per_conn):
    """[(source, [(mail_from, data)...])]: COUNT messages, PER_CONN to a
    session; each source's messages keep their order and the sessions
    follow the order of their first messages."""
    by_source = {}
    for i in range(count):
        source, mail_from, data = corpus[i % len(corpus)]
        by_source.setdefault(source, []).append((i, mail_from, data))
    out = []
    for source, msgs in by_source.items():
        for k in range(0, len(msgs), per_conn):
            chunk = msgs[k:k + per_conn]
            out.append((chunk[0][0], source, [(m, d) for _, m, d in chunk]))
    out.sort(key=lambda s: s[0])
    return [(source, msgs) for _, source, msgs in out]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--per-conn", type=int, default=1)
    ap.add_argument("--conc", type=int, default=1)
    ap.add_argument("--rcpt", required=True)
    ap.add_argument("targets", nargs="+")
    args = ap.parse_args()
    targets = [Target(t) for t in args.targets]
    work = iter(enumerate(sessions(read_manifest(args.corpus), args.count,
                                   args.per_conn)))

    orders = williams(len(targets))

    async def worker():
        for n, (source, msgs) in work:
            for t in (targets[i] for i in orders[n % len(orders)]):
                try:
                    await session(t, source, msgs, args.rcpt)
                except Exception as e:  # noqa: BLE001 - counted, reported
                    code = "err:" + type(e).__name__
                    t.codes[code] = t.codes.get(code, 0) + 1

    await asyncio.gather(*(worker() for _ in range(args.conc)))
    bad = 0
    for t in targets:
        print(t.name, " ".join("%s=%d" % kv for kv in sorted(t.codes.items())))
        if set(t.codes) != {"250"}:
            bad = 1
    return bad


sys.exit(asyncio.run(main()))
