#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""slowdns.py ADDR PIDFILE NAME=DELAY=TXT...

A DNS server for the tests that answers late: each NAME gets its TXT
record after DELAY seconds (every query in its own thread, so one slow
answer does not hold up the next); other names get NXDOMAIN at once.
Answers have a TTL of 0, so a caching server in front (dnsmasq) asks
again each time."""
import os
import socket
import sys
import threading
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

addr, pidfile = sys.argv[1:3]
zone = {}
for spec in sys.argv[3:]:
    name, delay, txt = spec.split("=", 2)
    zone[name.lower().rstrip(".") + "."] = (float(delay), txt)

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((addr, 53))
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))


def answer(data, peer):
    try:
        q = dns.message.from_wire(data)
    except Exception:
        return
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    qname = q.question[0].name.to_text().lower()
    if qname in zone:
        delay, txt = zone[qname]
        time.sleep(delay)
        r.answer.append(dns.rrset.from_text(qname, 0, "IN", "TXT",
                                            '"%s"' % txt))
    else:
        r.set_rcode(dns.rcode.NXDOMAIN)
    sock.sendto(r.to_wire(), peer)


while True:
    data, peer = sock.recvfrom(4096)
    threading.Thread(target=answer, args=(data, peer), daemon=True).start()
