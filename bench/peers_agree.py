#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""peers_agree.py: authgate's verdicts against Rspamd's, message by message.

usage: peers_agree.py AUTHGATE_EXIM AUTHGATE_SELF RSPAMD

Each file has one line per corpus message, "LABEL<TAB>JSON": authgate's
log line (with Exim's SPF/DKIM verdicts, then with its own; in monitor
mode, the action shown is the one it would have taken) and rspamc's JSON
reply. Prints a Markdown table of every check and a list of every
disagreement with the reason, from KNOWN below; a disagreement the list
does not explain is printed as such and makes the exit status 1.
"""
import json
import sys

SPF = {"pass": "R_SPF_ALLOW", "fail": "R_SPF_FAIL", "softfail": "R_SPF_SOFTFAIL",
       "neutral": "R_SPF_NEUTRAL", "none": "R_SPF_NA",
       "temperror": "R_SPF_DNSFAIL", "permerror": "R_SPF_PERMFAIL"}
DKIM = {"pass": "R_DKIM_ALLOW", "body_modified": "R_DKIM_REJECT",
        "bad_signature": "R_DKIM_REJECT", "temperror": "R_DKIM_TEMPFAIL"}
ARC = {"pass": "ARC_ALLOW", "fail": "ARC_REJECT", "none": "ARC_NA",
       "temperror": "ARC_DNSFAIL"}
DMARC_SYMBOLS = ("DMARC_POLICY_ALLOW", "DMARC_POLICY_REJECT",
                 "DMARC_POLICY_QUARANTINE", "DMARC_POLICY_SOFTFAIL",
                 "DMARC_NA", "DMARC_DNSFAIL", "DMARC_BAD_POLICY")
DMARC_FAIL = {"reject": "DMARC_POLICY_REJECT",
              "quarantine": "DMARC_POLICY_QUARANTINE",
              "none": "DMARC_POLICY_SOFTFAIL"}

# (label, check, which authgate) -> why the two differ and who follows
# the RFC. "*" matches either authgate.
KNOWN = {
    ("rsa-sha1", "dkim", "exim"):
        "Exim 4.96 skips rsa-sha1 signatures without a result (its "
        "dkim_verify_hashes default), so authgate sees none; Rspamd "
        "verifies them. RFC 8301 forbids rsa-sha1: neither is wrong to "
        "distrust it, Rspamd is the one that accepts it.",
    ("rsa-sha1", "dkim", "self"):
        "authgate reports rsa-sha1 as unsupported (RFC 8301 3.1: "
        "verifiers MUST NOT consider rsa-sha1 signatures valid); Rspamd "
        "passes it. authgate follows the RFC.",
    ("spf-permerror", "spf", "*"):
        "The record's ip4:203.0.113.300 is not an address: RFC 7208 4.6 "
        "makes a syntax error a permerror before any mechanism is "
        "evaluated; Rspamd skips the broken mechanism and matches -all "
        "(fail). authgate (libspf2, Exim's or its own) follows the RFC; "
        "DMARC fails either way.",
    ("short-key", "dkim", "*"):
        "A 512-bit key: authgate refuses keys under min_key_bits (1024, "
        "RFC 8301 3.2: verifiers MUST NOT consider keys under 1024 bits "
        "valid); Rspamd verifies it. authgate follows the RFC.",
}


def read(path):
    out = {}
    for line in open(path):
        label, _, text = line.rstrip("\n").partition("\t")
        try:
            out[label] = json.loads(text)
        except ValueError:
            out[label] = None
    return out


def authgate_view(line):
    """The checks as Rspamd's symbols would name them, from a log line."""
    if line is None:
        return None
    facts, dec = line["facts"], line["decision"]
    dkim = set()
    for sig in facts.get("dkim", []):
        dkim.add(DKIM.get(sig["result"], "R_DKIM_PERMFAIL"))
    dmarc = dec.get("dmarc", {})
    result = dmarc.get("result")
    if result == "pass":
        dm = "DMARC_POLICY_ALLOW"
    elif result == "fail":
        dm = DMARC_FAIL.get(dmarc.get("policy"), "DMARC_POLICY_SOFTFAIL")
    elif result == "temperror":
        dm = "DMARC_DNSFAIL"
    elif result == "permerror":
        dm = "DMARC_BAD_POLICY"
    else:
        dm = "DMARC_NA"
    return {"spf": SPF.get(facts.get("spf", {}).get("result"), "?"),
            "dkim": " ".join(sorted(dkim)) or "R_DKIM_NA",
            "dmarc": dm,
            "arc": ARC.get(facts.get("arc", {}).get("result"), "?"),
            # In monitor mode (as the benchmark runs it) the action
            # authgate would have taken.
            "action": dec.get("monitor", {}).get("would", dec["action"])}


def rspamd_view(reply):
    if reply is None:
        return None
    syms = set(reply.get("symbols", {}))

    def one(prefix, names=None):
        got = sorted(s for s in syms if s.startswith(prefix)
                     and (names is None or s in names))
        return " ".join(got) or "(none)"
    return {"spf": one("R_SPF_"),
            "dkim": one("R_DKIM_"),
            "dmarc": one("DMARC_", DMARC_SYMBOLS),
            "arc": one("ARC_", ("ARC_ALLOW", "ARC_REJECT", "ARC_NA",
                                "ARC_DNSFAIL", "ARC_INVALID")),
            "action": reply.get("action", "?")}


def main():
    a, s, r = (read(p) for p in sys.argv[1:4])
    checks = ("spf", "dkim", "dmarc", "arc")
    print("### Verdicts on the corpus: authgate (Exim's verdicts / own) and Rspamd")
    print()
    print("| message | check | authgate, exim | authgate, self | Rspamd |")
    print("|---|---|---|---|---|")
    disagreements = []
    compared = 0
    for label in r:
        va, vs, vr = authgate_view(a.get(label)), authgate_view(s.get(label)), \
            rspamd_view(r[label])
        for check in checks + ("action",):
            cells = [v[check] if v else "(no line)" for v in (va, vs, vr)]
            if check == "arc":
                cells[0] = "(arc = off)"
            print("| %s | %s | %s | %s | %s |" % (label, check, *cells))
            if check == "action":
                continue
            for which, v in (("exim", va), ("self", vs)):
                if which == "exim" and check == "arc":
                    continue
                compared += 1
                if v and vr and v[check] == vr[check]:
                    continue
                why = KNOWN.get((label, check, which)) or \
                    KNOWN.get((label, check, "*"))
                disagreements.append((label, check, which,
                                      v[check] if v else None,
                                      vr[check] if vr else None, why))
    print()
    print("### Disagreements (%d of %d comparisons; actions are shown, not "
          "compared: authgate's is the one it would take, monitor mode; "
          "Rspamd's actions are off in this benchmark but add_header)"
          % (len(disagreements), compared))
    print()
    unexplained = 0
    for label, check, which, mine, theirs, why in disagreements:
        if why is None:
            unexplained += 1
            why = "**not explained yet**"
        print("- %s, %s (authgate with %s verdicts: %s; Rspamd: %s): %s"
              % (label, check, "Exim's" if which == "exim" else "its own",
                 mine, theirs, why))
    if not disagreements:
        print("- none")
    return 1 if unexplained else 0


sys.exit(main())
