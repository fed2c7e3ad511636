#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""longsession.py: send COUNT messages in one SMTP session and follow the
memory of the Exim process that receives them.

usage: longsession.py HOST PORT COUNT RCPT SOURCE CHECKPOINTS
                      MAIL_FROM=MESSAGE_FILE...

The messages are taken in turn. The receiving process is found by its
end of the connection (/proc/net/tcp, then the process holding that
socket); after each message whose number is in CHECKPOINTS (a comma
list) its resident size is read from /proc. Prints one JSON object:
{"pid", "codes": {CODE: COUNT}, "rss_kb": [[MESSAGES, KB], ...]}.
Run it in the network namespace of the Exim it talks to.
"""
import json
import os
import socket
import sys


def reply(f):
    """The SMTP reply code, after any continuation lines."""
    while True:
        line = f.readline()
        if not line:
            raise ConnectionError("connection closed")
        if line[3:4] != b"-":
            return line[:3].decode()


def expect(f, code):
    got = reply(f)
    if got != code:
        raise RuntimeError("wanted %s, got %s" % (code, got))


def smtp_data(path):
    """The message in PATH as DATA sends it: CRLF, dots doubled."""
    raw = open(path, "rb").read().replace(b"\r\n", b"\n")
    lines = [(b"." + l if l.startswith(b".") else l) for l in raw.split(b"\n")]
    return b"\r\n".join(lines).rstrip(b"\r\n") + b"\r\n.\r\n"


def hexaddr(ip, port):
    """An address as /proc/net/tcp writes it (IPv4, host byte order)."""
    return "%08X:%04X" % (int.from_bytes(socket.inet_aton(ip), "little"), port)


def receiver(server, client):
    """The pid of the process that holds the server end of our connection."""
    inode = None
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == server and fields[2] == client:
                inode = fields[9]
    if inode is None:
        return None
    want = "socket:[%s]" % inode
    holders = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir("/proc/%s/fd" % pid):
                if os.readlink("/proc/%s/fd/%s" % (pid, fd)) == want:
                    holders.append(int(pid))
                    break
        except OSError:
            continue
    # A delivery child may hold the socket for a moment: the receiver is
    # the holder whose parent is not a holder too.
    for pid in holders:
        try:
            ppid = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid not in holders:
            return pid
    return None


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    host, port, count, rcpt, source, checkpoints = sys.argv[1:7]
    port, count = int(port), int(count)
    checkpoints = {int(c) for c in checkpoints.split(",")}
    corpus = []
    for arg in sys.argv[7:]:
        mail_from, path = arg.split("=", 1)
        corpus.append((mail_from.encode(), smtp_data(path)))
    sock = socket.create_connection((host, port), source_address=(source, 0))
    f = sock.makefile("rb")
    expect(f, "220")
    sock.sendall(b"EHLO long.example\r\n")
    expect(f, "250")
    local = sock.getsockname()
    pid = receiver(hexaddr(host, port), hexaddr(local[0], local[1]))
    if pid is None:
        raise RuntimeError("no process holds the server end of the session")
    codes, samples = {}, []
    for i in range(1, count + 1):
        mail_from, data = corpus[(i - 1) % len(corpus)]
        sock.sendall(b"MAIL FROM:<%s>\r\n" % mail_from)
        expect(f, "250")
        sock.sendall(b"RCPT TO:<%s>\r\n" % rcpt.encode())
        expect(f, "250")
        sock.sendall(b"DATA\r\n")
        expect(f, "354")
        sock.sendall(data)
        code = reply(f)
        codes[code] = codes.get(code, 0) + 1
        if code[0] != "2":
            sock.sendall(b"RSET\r\n")
            expect(f, "250")
        if i in checkpoints:
            samples.append([i, rss_kb(pid)])
    sock.sendall(b"QUIT\r\n")
    sock.close()
    print(json.dumps({"pid": pid, "codes": codes, "rss_kb": samples}))


if __name__ == "__main__":
    main()
