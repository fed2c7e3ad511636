#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""hdrcheck.py FILE AUTHSERV_ID [--tagged]: the header of a delivered
message is well-formed (tests/e2e/hostile.t).

Checks the header block of FILE (a maildir file, LF line ends): no NUL
and no CR anywhere in it; every line a field ("Name:" with a printable
name) or a continuation (starting with a blank); exactly one
Authentication-Results of AUTHSERV_ID, parsed by python3-authres; exactly
one X-AuthGate, on one line, in its documented form; the lines authgate
adds no longer than RFC 5322's 998 bytes. With --tagged: one
X-Spam-Flag: YES and every Subject tagged once (unless longer than
authgate re-adds); without: no X-Spam-Flag. Prints each problem and
exits 1 when there is one.
"""
import re
import sys

import authres

MAX_TAGGED_SUBJECT = 16384  # LS_HEADER_ADD_MAX in local_scan/ls.h


def main():
    path, authserv = sys.argv[1], sys.argv[2]
    tagged = "--tagged" in sys.argv[3:]
    raw = open(path, "rb").read()
    head = raw.split(b"\n\n", 1)[0]
    bad = []
    if b"\0" in head:
        bad.append("NUL byte in the header")
    if b"\r" in head:
        bad.append("CR in the header")
    fields = []
    for n, line in enumerate(head.split(b"\n"), 1):
        if line[:1] in (b" ", b"\t"):
            if not fields:
                bad.append("line %d: continuation without a field" % n)
            else:
                fields[-1] += b"\n" + line
        elif re.match(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:", line):
            fields.append(line)
        else:
            bad.append("line %d: neither a field nor a continuation: %r" % (n, line[:80]))

    def named(name):
        return [f for f in fields if re.match(rb"(?i)^" + name + rb"[ \t]*:", f)]

    ours = []
    for f in named(b"Authentication-Results"):
        text = f.decode("utf-8", "replace")
        try:
            ar = authres.AuthenticationResultsHeader.parse(text.replace("\n", ""))
        except Exception:
            # Not parseable: still must not carry our id in front.
            if re.match(r'(?is)^authentication-results\s*:\s*(\([^)]*\)\s*)*"?' + re.escape(authserv) + r'"?\s*;', text):
                bad.append("an unparseable Authentication-Results names %s: %r" % (authserv, text[:120]))
            continue
        if ar.authserv_id.lower() == authserv.lower():
            ours.append(f)
    if len(ours) != 1:
        bad.append("%d Authentication-Results of %s, want 1" % (len(ours), authserv))
    xag = named(b"X-AuthGate")
    if len(xag) != 1:
        bad.append("%d X-AuthGate fields, want 1" % len(xag))
    elif not re.match(rb"^X-AuthGate: action=(accept|tag|quarantine); class=[a-z_.]+; "
                      rb"rule=[!-~]+(; would=[a-z]+)?; findings=[a-z_.,]+"
                      rb"(;\n\tdmarc=[a-z]+( policy=[a-z]+ \((p|sp|np)=[a-z]+ at [a-z0-9.-]+"
                      rb"(, t=y|, pct=0 as t=y)?(, RFC 7489)?\))?)?$", xag[0]):
        bad.append("X-AuthGate not in its form: %r" % xag[0][:200])
    flags = named(b"X-Spam-Flag")
    added = ours + xag + flags
    subjects = named(b"Subject")
    if tagged:
        if flags != [b"X-Spam-Flag: YES"]:
            bad.append("tagged, but X-Spam-Flag fields are %r" % flags)
        for subject in subjects:
            if len(subject) > MAX_TAGGED_SUBJECT:
                continue
            value = subject.split(b":", 1)[1].lstrip(b" \t")
            if not (value == b"[SPAM]" or value.startswith(b"[SPAM] ")) or value.startswith(b"[SPAM] [SPAM]"):
                bad.append("a Subject is not tagged once: %r" % subject[:120])
            added.append(subject)
    elif flags:
        bad.append("not tagged, but X-Spam-Flag is there")
    for f in added:
        for line in f.split(b"\n"):
            if len(line) > 998 and not line.startswith(b"Subject:"):
                bad.append("a line authgate adds is %d bytes long" % len(line))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
