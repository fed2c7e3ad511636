#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""rawsmtp.py: an SMTP client for what swaks cannot send (tests/e2e/hostile.t).

Sends one message with HELO, MAIL FROM and RCPT TO given as bytes
(backslash escapes such as \\x00, \\r and \\xff are decoded, so NUL, bare CR
and invalid UTF-8 reach the server as written) and the message file's bytes
as DATA: LF line ends become CRLF, a bare CR stays a bare CR, lines starting
with a dot are dot-stuffed. Prints one JSON object: the stage whose reply
ended the transaction (helo, mail, rcpt, data or dot), its code and text,
the queue id of a 250, the seconds waited for each reply, and with
--rss-of PIDFILE the memory of the receiving Exim process (the child of
the daemon in PIDFILE): its peak RSS (VmHWM, KB, read before QUIT while
it still lives) and the peaks of its anonymous and file-backed resident
memory, sampled while the end of DATA is processed.
"""
import argparse
import codecs
import json
import os
import re
import socket
import sys
import threading
import time


def unescape(s):
    return codecs.escape_decode(s.encode("utf-8", "surrogateescape"))[0]


def reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            return 0, "connection closed"
        lines.append(line.rstrip(b"\r\n").decode("latin-1"))
        if len(line) < 4 or line[3:4] != b"-":
            break
    code = int(lines[-1][:3]) if lines[-1][:3].isdigit() else 0
    return code, " / ".join(l[4:] for l in lines)


def receivers(pidfile):
    """The memory figures (KB) of the daemon's children, the receiving
    processes: {"VmHWM": .., "RssAnon": .., "RssFile": ..}, the largest
    of each."""
    daemon = open(pidfile).read().strip()
    best = {"VmHWM": 0, "RssAnon": 0, "RssFile": 0}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            st = open("/proc/%s/status" % pid).read()
        except OSError:
            continue
        m = re.search(r"^PPid:\s+(\d+)", st, re.M)
        if not m or m.group(1) != daemon:
            continue
        for k in best:
            h = re.search(r"^%s:\s+(\d+)" % k, st, re.M)
            if h:
                best[k] = max(best[k], int(h.group(1)))
    return best


class Sampler(threading.Thread):
    """Samples the receivers every few milliseconds until stopped: peak
    RSS counts the pages of files a process maps, so the anonymous part
    (its own heap) is read while it runs."""

    def __init__(self, pidfile):
        super().__init__(daemon=True)
        self.pidfile = pidfile
        self.peak = {"RssAnon": 0, "RssFile": 0}
        self.running = True

    def run(self):
        while self.running:
            now = receivers(self.pidfile)
            for k in self.peak:
                self.peak[k] = max(self.peak[k], now[k])
            time.sleep(0.005)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2525)
    ap.add_argument("--source", default="203.0.113.7")
    ap.add_argument("--helo", default="mx.sender.example")
    ap.add_argument("--mail-from", default="bounce@signer.example")
    ap.add_argument("--rcpt", default="user@gw.test")
    ap.add_argument("--data", required=True)
    ap.add_argument("--rss-of")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    s.bind((a.source, 0))
    s.connect((a.server, a.port))
    f = s.makefile("rb")
    out = {"stage": "banner"}
    started = time.monotonic()

    def step(stage, line):
        if line is not None:
            s.sendall(line)
        t = time.monotonic()
        code, text = reply(f)
        out.update(stage=stage, code=code, text=text)
        out.setdefault("waited", {})[stage] = round(time.monotonic() - t, 3)
        return code

    if step("banner", None) != 220:
        return finish(s, f, out, started)
    if step("helo", b"EHLO " + unescape(a.helo) + b"\r\n") != 250:
        return finish(s, f, out, started)
    if step("mail", b"MAIL FROM:<" + unescape(a.mail_from) + b">\r\n") != 250:
        return finish(s, f, out, started)
    if step("rcpt", b"RCPT TO:<" + unescape(a.rcpt) + b">\r\n") != 250:
        return finish(s, f, out, started)
    if step("data", b"DATA\r\n") != 354:
        return finish(s, f, out, started)
    raw = open(a.data, "rb").read()
    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not raw.endswith(b"\r\n"):
        raw += b"\r\n"
    raw = re.sub(rb"(?m)^\.", b"..", raw)
    s.sendall(raw)
    sampler = None
    if a.rss_of:
        sampler = Sampler(a.rss_of)
        sampler.start()
    step("dot", b".\r\n")
    m = re.search(r"id=([A-Za-z0-9-]+)", out.get("text", ""))
    if m:
        out["queue_id"] = m.group(1)
    if sampler:
        sampler.running = False
        sampler.join()
        out["rss_kb"] = receivers(a.rss_of)["VmHWM"]
        out["anon_kb"] = sampler.peak["RssAnon"]
        out["file_kb"] = sampler.peak["RssFile"]
    return finish(s, f, out, started)


def finish(s, f, out, started):
    out["seconds"] = round(time.monotonic() - started, 3)
    try:
        s.sendall(b"QUIT\r\n")
        reply(f)
    except OSError:
        pass
    s.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
