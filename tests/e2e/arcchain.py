#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""arcchain.py: an ARC chain of many hops, sealed by python3-dkim (tests/e2e/caps.t).

usage: arcchain.py IN OUT KEY SELECTOR SEALERS HOPS [--extra]

Hop k (1..HOPS) is sealed by SEALERS[(k-1) % n] (a comma-separated list)
with KEY under SELECTOR, after adding its Authentication-Results
(dmarc=pass for the author domain, arc=pass from the second hop on), as a
forwarder that checked the mail would. python3-dkim refuses to seal past
RFC 8617's 50 instances; --extra then adds instance HOPS+1 as a copy of
the newest set renumbered, which is what a chain over the limit looks
like to a verifier. Line ends are LF on output.
"""
import re
import sys

import dkim


def main():
    args = [a for a in sys.argv[1:] if a != "--extra"]
    extra = "--extra" in sys.argv[1:]
    src, dst, keyfile, selector, sealers, hops = args
    sealers = sealers.split(",")
    key = open(keyfile, "rb").read()
    msg = open(src, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    for k in range(1, int(hops) + 1):
        sealer = sealers[(k - 1) % len(sealers)].encode()
        # Each hop its own authserv-id: python3-dkim fails a chain whose
        # results of one id disagree.
        srv_id = b"mx%d.%s" % (k, sealer)
        ar = (b"Authentication-Results: " + srv_id + b"; spf=pass smtp.mailfrom=orig.example;"
              b" dmarc=pass header.from=orig.example" + (b"; arc=pass" if k > 1 else b"") + b"\r\n")
        msg = ar + msg
        sig = dkim.arc_sign(msg, selector.encode(), sealer, key, srv_id)
        if not sig:
            sys.exit("arc_sign made no set at hop %d" % k)
        msg = b"".join(sig) + msg
    if extra:
        top = []
        for name in (b"ARC-Seal", b"ARC-Message-Signature", b"ARC-Authentication-Results"):
            m = re.search(rb"^" + name + rb":.*?\r\n(?=\S)", msg, re.M | re.S)
            field = re.sub(rb"\bi=%d\b" % int(hops), b"i=%d" % (int(hops) + 1), m.group(0), count=1)
            top.append(field)
        msg = b"".join(top) + msg
    open(dst, "wb").write(msg.replace(b"\r\n", b"\n"))


if __name__ == "__main__":
    main()
