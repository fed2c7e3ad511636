#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""varylog.py AUTHGATE N OUT: an N-line authgate log that varies in what
the log readers (replay, stats, report) look at: every action and many
classes, DMARC pass/fail/none/temperror/permerror with rua=, ruf=, pct=,
sp= and strict alignment, zero to three DKIM signatures of every result
(some without s=), ARC chains from a trusted sealer, trusted relays, skip
hosts, authenticated clients, monitor mode (one domain, and a tenth of the
lines written under a policy in monitor mode), From headers missing,
repeated or with escaped bytes, failure-report outcomes, the short
"truncated" form, times over three days with and without milliseconds,
and a few lines that are not authgate's. The lines are written by
AUTHGATE decide --lines --log, then given their times, hosts and
failure_report objects as the module would; seeded, so the same every
run. Writes OUT (plain) and the policies it used next to it."""
import json
import os
import random
import re
import subprocess
import sys

ag, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(11)
tmp = os.path.dirname(os.path.abspath(out))

POLICY = """[general]
authserv_id = gw.test
skip_hosts = 198.51.100.25
min_key_bits = 1024

[actions]
dmarc.quarantine = quarantine
dkim.expired = quarantine

[trusted]
domains = esp.example
relays = 192.0.2.15/32
arc_sealers = lists.example

[domain:trial.example]
mode = monitor

[domain:partner.example]
dkim.key_missing = accept
"""
MONITOR = POLICY.replace("skip_hosts", "mode = monitor\nskip_hosts")
with open(os.path.join(tmp, "varylog.ini"), "w") as fh:
    fh.write(POLICY)
with open(os.path.join(tmp, "varylog-monitor.ini"), "w") as fh:
    fh.write(MONITOR)

SPF = ["pass", "fail", "softfail", "neutral", "none", "temperror",
       "permerror"]
DKIM = ["pass", "pass", "pass", "key_missing", "key_revoked", "key_syntax",
        "key_too_short", "body_modified", "bad_signature", "sig_syntax",
        "expired", "unsupported", "temperror"]
DOMAINS = ["d%d.example" % k for k in range(30)] + [
    "partner.example", "esp.example", "trial.example", "sub.d1.example",
    "sub.d2.example"]


def record(dom):
    """The DMARC TXT record of dom (None: no record)."""
    k = sum(map(ord, dom)) % 9
    if k == 8:
        return None
    p = ["reject", "quarantine", "none"][k % 3]
    rec = "v=DMARC1; p=" + p
    if k in (1, 4):
        rec += "; pct=50"
    if k == 2:
        rec += "; sp=reject; adkim=s; aspf=s"
    if k != 7:
        base = dom.split(".", 1)[1] if dom.startswith("sub.") else dom
        rec += "; rua=mailto:agg@" + base
        if k % 2 == 0:
            rec += ",mailto:dmarc@reports.example"
    if k in (0, 3, 5):
        rec += "; ruf=mailto:ruf@" + dom + "; fo=1"
    return rec


def facts(i):
    dom = rnd.choice(DOMAINS)
    r = rnd.random()
    ip = "203.0.113.%d" % rnd.randrange(1, 255)
    if r < 0.03:
        ip = "192.0.2.15"
    elif r < 0.05:
        ip = "198.51.100.25"
    elif r < 0.06:
        ip = "2001:db8::%x" % rnd.randrange(1, 4096)
    f = {"id": "m%06d" % i,
         "client": {"ip": ip, "helo": "mx." + dom,
                    "authenticated": rnd.random() < 0.02},
         "mail_from": "bounce@" + (dom if rnd.random() < 0.85 else
                                   rnd.choice(DOMAINS)),
         "from": ["User <u@%s>" % dom],
         "spf": {"result": rnd.choice(SPF), "domain": dom},
         "dkim": [], "arc": {"result": "none", "instances": []},
         "dns": {}}
    r = rnd.random()
    if r < 0.01:
        f["from"] = []
    elif r < 0.02:
        f["from"].append("Other <o@%s>" % rnd.choice(DOMAINS))
    elif r < 0.03:
        f["from"] = ["not an address"]
    elif r < 0.05:
        f["from"] = ["\"J\u00fcrgen \\\"Q\\\" M\u00fcller\" <j@%s>" % dom]
    if rnd.random() < 0.03:
        f["mail_from"] = ""
        f["spf"]["domain"] = "mx." + dom
    for _ in range(rnd.choice([0, 1, 1, 1, 2, 2, 3])):
        signer = dom if rnd.random() < 0.7 else rnd.choice(DOMAINS)
        sig = {"d": signer, "s": "s%d" % rnd.randrange(1, 4),
               "a": rnd.choice(["rsa-sha256", "ed25519-sha256"]),
               "bits": rnd.choice([2048, 2048, 1024, 512]),
               "result": rnd.choice(DKIM)}
        if rnd.random() < 0.05:
            sig["s"] = None
        if rnd.random() < 0.05:
            del sig["bits"]
        f["dkim"].append(sig)
    r = rnd.random()
    if r < 0.08:
        f["arc"] = {"result": "pass", "instances": [
            {"i": 1, "sealer": "lists.example", "dmarc": "pass"}]}
    elif r < 0.1:
        f["arc"] = {"result": "fail", "instances": [
            {"i": 1, "sealer": "other.example", "dmarc": "fail"}]}
    names = ["_dmarc." + dom]
    if dom.startswith("sub."):
        names.append("_dmarc." + dom.split(".", 1)[1])
    for name in names:
        r = rnd.random()
        rec = record(name[len("_dmarc."):])
        if r < 0.04:
            f["dns"][name] = "temperror"
        elif r < 0.06:
            f["dns"][name] = ["v=DMARC1; p=none", "v=DMARC1; p=reject"]
        elif r < 0.07:
            f["dns"][name] = "v=DMARC1; p=bogus"
        elif rec is not None and not (dom.startswith("sub.") and
                                      name == names[0]):
            f["dns"][name] = rec
    return f


facts_path = os.path.join(tmp, "varylog-facts.jsonl")
with open(facts_path, "w") as fh:
    for i in range(n):
        fh.write(json.dumps(facts(i), separators=(",", ":"),
                            ensure_ascii=rnd.random() < 0.5) + "\n")


def decide(policy):
    return subprocess.run(
        [ag, "decide", "--policy", policy, "--facts", facts_path, "--lines",
         "--log", "--host", "mx1.gw.test"], check=True,
        stdout=subprocess.PIPE).stdout.decode().splitlines()


lines = decide(os.path.join(tmp, "varylog.ini"))
monitor = decide(os.path.join(tmp, "varylog-monitor.ini"))
assert len(lines) == n and len(monitor) == n

TS = re.compile(r'"ts":"[^"]*"')
RUF = [
    '{"status":"sent","to":["ruf@%s"],"bytes":%d}',
    '{"status":"rate_limited","why":"3 reports to %s this hour"}',
    '{"status":"not_reported","why":"monitor mode"}',
    '{"status":"no_address","refused":[{"uri":"mailto:ruf@%s",'
    '"why":"no consent record"}]}',
    '{"status":"error","why":"the MTA refused it: \\"451\\" \\u0001"}',
]
with open(out, "w") as fh:
    for i in range(n):
        line = monitor[i] if i % 10 == 3 else lines[i]
        # Three days, spread evenly, some with milliseconds.
        sec = 86400 * 3 * i // n
        day, sec = 21 + sec // 86400, sec % 86400
        ts = "2026-11-%02dT%02d:%02d:%02d" % (day, sec // 3600,
                                              sec // 60 % 60, sec % 60)
        ts += ".%03dZ" % rnd.randrange(1000) if i % 3 == 0 else "Z"
        line = TS.sub('"ts":"%s"' % ts, line, count=1)
        if i % 7 == 0:
            line = line.replace('"host":"mx1.gw.test"',
                                '"host":"mx2.gw.test"', 1)
        rec = json.loads(line)
        dmarc = rec["decision"]["dmarc"]
        if dmarc["result"] == "fail" and rnd.random() < 0.3:
            k = rnd.randrange(len(RUF))
            ruf = RUF[k]
            if "%d" in ruf:
                ruf = ruf % (dmarc["domain"], rnd.randrange(900, 9000))
            elif "%s" in ruf:
                ruf = ruf % dmarc["domain"]
            cut = line.rindex(',"facts":{')
            line = line[:cut] + ',"failure_report":' + ruf + line[cut:]
        if i % 97 == 5:
            d = rec["decision"]
            line = json.dumps(
                {"v": 1, "ts": ts, "host": rec["host"], "id": rec["id"],
                 "truncated": True,
                 "decision": {"action": d["action"], "class": d["class"],
                              "rule": d["rule"], "reason": d["reason"]}},
                separators=(",", ":"), ensure_ascii=False)
        fh.write(line + "\n")
        if i % 5000 == 17:  # not authgate's, and two ragged ones
            fh.write(["not json", "", "{}", '{"v":1}', line[:300],
                      '{"v":1,"decision":{"action":"reject"}}', "[1,2]",
                      line + "\r", " "][i // 5000 % 9] + "\n")
