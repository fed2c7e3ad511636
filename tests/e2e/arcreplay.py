#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""arcreplay.py: ARC hops and replayed ARC sets, made with python3-dkim
(tests/e2e/arcreplay.t).

usage:
  arcreplay.py seal IN OUT DOMAIN SELECTOR KEY SRV_ID RESULTS
               [--footer TEXT] [--lenient]
      What a forwarding hop does: adds "Authentication-Results: SRV_ID;
      RESULTS" on top, appends TEXT to the body (a list footer), then
      seals with python3-dkim's arc_sign as DOMAIN (SELECTOR, KEY). The
      RESULTS of a hop after the first must hold one arc= result (it
      becomes the seal's cv=). python3-dkim builds the AAR from that
      header by splitting it on every ';' (quoted strings and comments
      too) and joining the parts with ";" CRLF and two blanks, so a ';'
      inside a comment or quoted string stays where it was, now followed
      by folding white space. It leaves out (and then seals nothing for)
      a header python-authres cannot parse: --lenient lets such a header
      through, so that a malformed AAR can be sealed.
  arcreplay.py transplant SETS MSG OUT
      Every ARC header field of SETS (the sealed sets an attacker took
      from a message it received), put on top of MSG (the forged one).
  arcreplay.py verify FILE
      python3-dkim's verdict on FILE's chain: pass, fail or none (a chain
      whose newest seal says cv=fail, which python3-dkim calls
      "terminated", is fail), then its reason; an exception on the way
      (dnspython refuses a key name with an empty label, which a d= with
      a final dot makes) is fail too. Asks the system's resolver.

Files are read with any line ends and written with LF.
"""
import re
import sys

import authres
import dkim


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def lenient_authres():
    """python-authres refuses some headers that RFC 8601 readers must
    cope with (an unterminated comment): parse those as their authserv-id
    with no results, so that arc_sign keeps the header's text as the AAR."""
    parse = authres.AuthenticationResultsHeader.parse

    def tolerant(text):
        try:
            return parse(text)
        except authres.core.SyntaxError:
            srv_id = text.split(":", 1)[1].split(";", 1)[0].strip()
            return parse("Authentication-Results: %s; none" % srv_id)

    authres.AuthenticationResultsHeader.parse = staticmethod(tolerant)


def seal(args):
    footer = None
    lenient = False
    rest = []
    it = iter(args)
    for a in it:
        if a == "--footer":
            footer = next(it)
        elif a == "--lenient":
            lenient = True
        else:
            rest.append(a)
    src, dst, domain, selector, keyfile, srv_id, results = rest
    if lenient:
        lenient_authres()
    msg = crlf(open(src, "rb").read())
    msg = b"Authentication-Results: " + srv_id.encode() + b"; " + results.encode() + b"\r\n" + msg
    if footer is not None:
        if not msg.endswith(b"\r\n"):
            msg += b"\r\n"
        msg += crlf(footer.encode()) + b"\r\n"
    key = open(keyfile, "rb").read()
    sig = dkim.arc_sign(msg, selector.encode(), domain.encode(), key, srv_id.encode())
    if not sig:
        sys.exit("arc_sign made no set for %s (no Authentication-Results of %s it could read?)"
                 % (domain, srv_id))
    open(dst, "wb").write((b"".join(sig) + msg).replace(b"\r\n", b"\n"))


ARC_FIELD = re.compile(rb"^ARC-(Seal|Message-Signature|Authentication-Results):.*?\n(?![ \t])",
                       re.I | re.M | re.S)


def transplant(args):
    sets, msg, dst = args
    head = crlf(open(sets, "rb").read()).replace(b"\r\n", b"\n").split(b"\n\n", 1)[0] + b"\n"
    fields = [m.group(0) for m in ARC_FIELD.finditer(head)]
    if not fields:
        sys.exit("no ARC header field in %s" % sets)
    body = open(msg, "rb").read().replace(b"\r\n", b"\n")
    open(dst, "wb").write(b"".join(fields) + body)


def verify(args):
    (src,) = args
    try:
        cv, _, reason = dkim.arc_verify(crlf(open(src, "rb").read()))
    except Exception as e:  # dnspython refuses some key names outright
        cv, reason = dkim.CV_Fail, "%s: %s" % (type(e).__name__, e)
    word = {dkim.CV_Pass: "pass", dkim.CV_Fail: "fail", dkim.CV_None: "none", None: "fail"}.get(cv, "fail")
    print(word, reason)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"seal": seal, "transplant": transplant, "verify": verify}.get(cmd, lambda a: sys.exit(__doc__))(args)


if __name__ == "__main__":
    main()
