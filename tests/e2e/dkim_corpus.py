#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""dkim_corpus.py KEYDIR OUTDIR: writes a corpus of signed and mutated
messages for the DKIM agreement test, and OUTDIR/expected.tsv with one
line per message: file, the expected result of its first signature.

Keys (made by the test): sel1024, sel2048 (RSA), ed (ed25519), weak
(512-bit RSA) and broken/revoked/missing selectors in DNS for d=corpus.example.
"""
import os
import random
import subprocess
import sys

import dkim

keydir, out = sys.argv[1], sys.argv[2]
rng = random.Random(7)
DOMAIN = b"corpus.example"
WORDS = ("mail", "policy", "gateway", "message", "invoice", "forwarded",
         "report", "authentication", "domain", "signature")


def key(name):
    return open(os.path.join(keydir, name + ".key"), "rb").read()


def body(n):
    lines = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 14))]
        line = " ".join(words)
        if i % 7 == 3:
            line += "   "           # trailing blanks
        if i % 11 == 5:
            line = ""               # empty lines
        lines.append(line)
    return ("\n".join(lines) + "\n").encode()


def message(i, n_lines):
    hdr = ("From: Sender {0} <s{0}@corpus.example>\nTo: user@gw.test\n"
           "Subject: corpus message {0}\nDate: Mon, 23 Nov 2026 12:00:00 +0000\n"
           "Message-ID: <{0}@corpus.example>\nMIME-Version: 1.0\n"
           "Content-Type: text/plain\n\n").format(i)
    return hdr.encode() + body(n_lines)


def sign(msg, selector, keyname, canon, alg=b"rsa-sha256", linesep=b"\r\n",
         domain=DOMAIN):
    c = canon.split("/")
    sig = dkim.sign(msg, selector.encode(), domain, key(keyname),
                    canonicalize=(c[0].encode(), c[1].encode()),
                    signature_algorithm=alg,
                    include_headers=[b"from", b"to", b"subject", b"date",
                                     b"message-id"], linesep=linesep)
    return sig + msg


def folded(i, eol):
    """A message whose signed fields are folded, with eol line ends
    everywhere (issue 15, item 11: simple header canonicalization hashes
    the folds as they are, so a verifier must see them as the signer
    did, CRLF on the wire)."""
    hdr = ("From: Sender {0}\n <s{0}@corpus.example>\n"
           "To: user@gw.test,\n\tother@gw.test\n"
           "Subject: corpus message {0}, whose subject is long enough\n"
           " to be folded\n\tand folded again\n"
           "Date: Mon, 23 Nov 2026 12:00:00 +0000\n"
           "Message-ID: <{0}@corpus.example>\nMIME-Version: 1.0\n"
           "Content-Type: text/plain\n\n").format(i)
    return (hdr.encode() + body(6)).replace(b"\n", eol)


def refold(m):
    """Moves a fold of the Subject: simple header canonicalization
    sees it, relaxed does not."""
    return m.replace(b"long enough\r\n to", b"long\r\n enough to", 1).replace(
        b"long enough\n to", b"long\n enough to", 1)


def mailkim_sign(msg, selector, keyname, canon, extra=()):
    p = subprocess.run(["dkimproxy-sign", "--selector", selector, "--domain",
                        DOMAIN.decode(), "--key",
                        os.path.join(keydir, keyname + ".key"),
                        "--method", canon] + list(extra),
                       input=msg, capture_output=True, check=True)
    return p.stdout + msg   # it prints the DKIM-Signature header only


def footer(m):
    return m + b"-- \nSent through a list that adds a footer\n"


def edit_subject(m):
    return m.replace(b"Subject: corpus message", b"Subject: edited message", 1)


def rewrap(m):
    """Breaks the longest body line in two, as a forwarder rewrapping
    text would."""
    head, _, b = m.partition(b"\n\n")
    lines = b.split(b"\n")
    k = max(range(len(lines)), key=lambda j: len(lines[j].strip()))
    l = lines[k].rstrip()
    cut = l.find(b" ", len(l) // 2)
    if cut <= 0:
        cut = len(l) // 2
    lines[k] = l[:cut] + b"\n" + l[cut:].lstrip()
    return head + b"\n\n" + b"\n".join(lines)


def respace(m):
    head, _, b = m.partition(b"\n\n")
    return head + b"\n\n" + b.replace(b"   \n", b"\n").replace(b" ", b"  ", 1)


cases = []
i = 0
for canon in ("simple/simple", "relaxed/relaxed", "relaxed/simple",
              "simple/relaxed"):
    for keyname, sel, alg in (("sel1024", "sel1024", b"rsa-sha256"),
                              ("sel2048", "sel2048", b"rsa-sha256"),
                              ("ed", "ed", b"ed25519-sha256")):
        for n_lines in (3, 40):
            i += 1
            m = sign(message(i, n_lines), sel, keyname, canon, alg)
            cases.append(("pass", m))
            cases.append(("body_modified", footer(m)))
            cases.append(("bad_signature", edit_subject(m)))
            cases.append(("body_modified", rewrap(m)))
            # Blank changes survive relaxed body canonicalization only.
            cases.append(("pass" if canon.endswith("/relaxed")
                          else "body_modified", respace(m)))
for canon in ("simple", "relaxed"):
    for n in range(4):
        i += 1
        m = message(i, 10 + n)
        cases.append(("key_missing", sign(m, "gone", "sel2048", canon + "/" + canon)))
        cases.append(("key_revoked", sign(m, "revoked", "sel2048", canon + "/" + canon)))
        cases.append(("key_syntax", sign(m, "broken", "sel2048", canon + "/" + canon)))
        cases.append(("key_too_short", sign(m, "weak", "weak", canon + "/" + canon)))
        s = sign(m, "sel2048", "sel2048", canon + "/" + canon)
        cases.append(("pass", sign(s, "ed", "ed", "relaxed/relaxed",
                                   b"ed25519-sha256")))
        # Two signatures, then a footer: the outer one fails on the body.
        cases.append(("body_modified", footer(sign(s, "ed", "ed",
                                                   "relaxed/relaxed",
                                                   b"ed25519-sha256"))))
# Mail::DKIM as the signer.
for canon in ("simple", "relaxed", "relaxed/simple", "simple/relaxed"):
    for n in range(5):
        i += 1
        m = mailkim_sign(message(i, 5 + 3 * n), "sel2048", "sel2048", canon)
        cases.append(("pass", m))
        cases.append(("body_modified", footer(m)))
        cases.append(("bad_signature", edit_subject(m)))
# Simple header canonicalization over folded fields, signed with LF and
# with CRLF line ends (python3-dkim writes its own fields' folds with
# the same line end), and by Mail::DKIM; then the LF file made CRLF and
# the CRLF file made LF, and a fold moved.
for canon in ("simple/simple", "simple/relaxed", "relaxed/simple"):
    for eol in (b"\n", b"\r\n"):
        i += 1
        m = sign(folded(i, eol), "sel2048", "sel2048", canon, linesep=eol)
        other = b"\r\n" if eol == b"\n" else b"\n"
        cases.append(("pass", m))
        cases.append(("pass", m.replace(b"\r\n", b"\n").replace(b"\n", other)))
        cases.append(("pass" if canon.startswith("relaxed")
                      else "bad_signature", refold(m)))
    i += 1
    m = mailkim_sign(folded(i, b"\n"), "sel2048", "sel2048", canon)
    cases.append(("pass", m))
    cases.append(("pass", m.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")))
# d= and s= that name no key DNS can be asked for (a label over 63
# octets, an empty label): malformed signatures, looked up nowhere.
i += 1
m = message(i, 4)
cases.append(("sig_syntax", sign(m, "s" * 64, "sel2048", "relaxed/relaxed")))
cases.append(("sig_syntax", sign(m, "a..b", "sel2048", "relaxed/relaxed")))
cases.append(("sig_syntax", sign(m, "sel2048", "sel2048", "relaxed/relaxed",
                                 domain=b"corpus..example")))
cases.append(("sig_syntax", sign(m, "sel2048", "sel2048", "relaxed/relaxed",
                                 domain=b"x" * 64 + b".corpus.example")))
# x=: expired an hour ago, and expiring in a day (still good).
for canon in ("simple", "relaxed"):
    for secs, want in ((-3600, "expired"), (86400, "pass")):
        i += 1
        p = subprocess.run(["perl", os.path.join(os.path.dirname(
                               os.path.abspath(__file__)), "dkim_expiring.pl"),
                            "sel2048", DOMAIN.decode(),
                            os.path.join(keydir, "sel2048.key"), canon,
                            str(secs)],
                           input=message(i, 4), capture_output=True,
                           check=True)
        cases.append((want, p.stdout))
i += 1
cases.append(("unsupported", mailkim_sign(message(i, 6), "sel2048", "sel2048",
                                          "relaxed", ["--algorithm", "rsa-sha1"])))

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "expected.tsv"), "w") as tsv:
    for k, (want, m) in enumerate(cases):
        name = "m%03d.eml" % k
        open(os.path.join(out, name), "wb").write(m)
        tsv.write("%s\t%s\n" % (name, want))
print(len(cases))
