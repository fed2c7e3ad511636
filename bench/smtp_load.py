#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""smtp_load.py: send N copies of a message over C concurrent SMTP
sessions (one message per session, as an inbound MX sees them) and print
messages per second. The client closes right after sending QUIT, so
Exim's deliberately late QUIT reply does not count.

usage: smtp_load.py HOST PORT MESSAGE_FILE COUNT CONCURRENCY MAIL_FROM RCPT
                   [SOURCE_ADDRESS]
       smtp_load.py --corpus MANIFEST HOST PORT COUNT CONCURRENCY RCPT

With SOURCE_ADDRESS the sessions come from that address (libspf2 passes
SPF for 127.0.0.1 whatever the record says). A MANIFEST has one message
per line, "SOURCE_ADDRESS MAIL_FROM FILE" ("<>" for the null sender);
sessions take its messages in turn.
"""
import asyncio
import sys
import time


async def expect(reader, code):
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("connection closed")
        if line[3:4] != b"-":
            if not line.startswith(code):
                raise RuntimeError(line.decode(errors="replace").strip())
            return


async def session(host, port, data, mail_from, rcpt, source):
    reader, writer = await asyncio.open_connection(
        host, port, local_addr=(source, 0) if source else None)
    try:
        await expect(reader, b"220")
        writer.write(b"EHLO load.example\r\n")
        await expect(reader, b"250")
        writer.write(b"MAIL FROM:<%s>\r\n" % mail_from.encode())
        await expect(reader, b"250")
        writer.write(b"RCPT TO:<%s>\r\n" % rcpt.encode())
        await expect(reader, b"250")
        writer.write(b"DATA\r\n")
        await expect(reader, b"354")
        writer.write(data + b".\r\n")
        line = await reader.readline()
        writer.write(b"QUIT\r\n")
        return line[:3].decode()
    finally:
        writer.close()


def smtp_data(path):
    """The message in PATH as DATA sends it: CRLF, dots doubled."""
    raw = open(path, "rb").read().replace(b"\r\n", b"\n")
    lines = [(b"." + l if l.startswith(b".") else l) for l in raw.split(b"\n")]
    return b"\r\n".join(lines).rstrip(b"\r\n") + b"\r\n"


def read_manifest(path):
    """(source, mail_from, data) for every line of a corpus manifest."""
    corpus = []
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            source, mail_from, msg = line.split()
            corpus.append((source, "" if mail_from == "<>" else mail_from,
                           smtp_data(msg)))
    return corpus


async def main():
    if sys.argv[1] == "--corpus":
        manifest, host, port, count, conc, rcpt = sys.argv[2:8]
        corpus = read_manifest(manifest)
    else:
        host, port, path, count, conc, mail_from, rcpt = sys.argv[1:8]
        source = sys.argv[8] if len(sys.argv) > 8 else None
        corpus = [(source, mail_from, smtp_data(path))]
    count, conc = int(count), int(conc)
    codes = {}
    pending = iter(range(count))

    async def worker():
        for i in pending:
            source, mail_from, data = corpus[i % len(corpus)]
            try:
                code = await session(host, int(port), data, mail_from, rcpt,
                                     source)
            except RuntimeError as e:  # an SMTP reply other than expected
                code = str(e)[:3] if str(e)[:3].isdigit() else "err:reply"
            except Exception as e:  # noqa: BLE001 - counted, not fatal
                code = "err:" + type(e).__name__
            codes[code] = codes.get(code, 0) + 1

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(conc)))
    elapsed = time.monotonic() - start
    print("%.1f %s" % (count / elapsed, " ".join(
        "%s=%d" % kv for kv in sorted(codes.items()))))


asyncio.run(main())
