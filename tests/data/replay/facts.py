#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""facts.py N: N facts objects, one per line, varied over SPF, DKIM and
DMARC results and From domains (seeded: the same N lines every run)."""
import json
import random
import sys

rnd = random.Random(7)
spf = ["pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"]
dkim = ["pass", "key_missing", "body_modified", "bad_signature",
        "key_revoked", "temperror", None]
dmarc = ["v=DMARC1; p=reject", "v=DMARC1; p=quarantine", "v=DMARC1; p=none",
         None, "temperror"]
domains = ["d%d.example" % k for k in range(40)] + ["partner.example",
                                                     "esp.example"]
for i in range(int(sys.argv[1])):
    dom = rnd.choice(domains)
    signer = dom if rnd.random() < 0.8 else rnd.choice(domains)
    f = {"id": "m%06d" % i,
         "client": {"ip": "203.0.113.%d" % rnd.randrange(1, 255),
                    "helo": "mx." + dom, "authenticated": False},
         "mail_from": "bounce@" + dom,
         "from": ["User <u@%s>" % dom],
         "spf": {"result": rnd.choice(spf), "domain": dom},
         "dkim": [],
         "arc": {"result": "none", "instances": []},
         "dns": {}}
    d = rnd.choice(dkim)
    if d is not None:
        f["dkim"].append({"d": signer, "s": "s1", "a": "rsa-sha256",
                          "bits": 2048, "result": d})
    rec = rnd.choice(dmarc)
    if rec is not None:
        f["dns"]["_dmarc." + dom] = rec
    print(json.dumps(f, separators=(",", ":")))
