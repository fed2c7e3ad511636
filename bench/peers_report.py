#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""peers_report.py: the tables of bench/peers.sh from its measurements.

usage: peers_report.py VARIANTS CPU COUNT

VARIANTS has one line per variant, "NAME<TAB>STATUS<TAB>WHAT" (STATUS
"ok", or why the variant did not run). CPU has one line per cgroup and
measured window, "ROUND PER_CONN CGROUP USEC": the CPU microseconds the
cgroup used while COUNT messages went to every variant. A variant's
whole gateway is its Exim daemon (ex-NAME, with everything it forked)
and its DNS server (dns-NAME), and for "rspamd" Rspamd too.

Every figure is computed within a window (all variants measured side by
side over the same messages) and then given as median [min-max] over
the rounds. "plain Exim" is the mean of the two identical plain-Exim
daemons plain1 and plain2; their ratio is the noise floor.
"""
import statistics
import sys

BASE = ("plain1", "plain2")


def fmt(values, digits):
    if not values:
        return "-"
    return "%.*f [%.*f-%.*f]" % (digits, statistics.median(values), digits,
                                 min(values), digits, max(values))


def main():
    vfile, cfile, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    variants = []
    for line in open(vfile):
        name, status, what = line.rstrip("\n").split("\t")
        variants.append((name, status, what))
    ran = [n for n, s, _ in variants if s == "ok"]
    cpu = {}  # (round, k) -> cgroup -> usec
    for line in open(cfile):
        r, k, cg, usec = line.split()
        cpu.setdefault((int(r), int(k)), {})[cg] = int(usec)
    splits = sorted({k for _, k in cpu})
    rounds = sorted({r for r, _ in cpu})

    def comp(w, v, part):
        """ms per message of one component of variant V in window W."""
        cg = {"exim": "ex-" + v, "dns": "dns-" + v, "rspamd": "rspamd"}[part]
        if part == "rspamd" and v != "rspamd":
            return 0.0
        return w.get(cg, 0) / 1000.0 / count

    def total(w, v):
        return sum(comp(w, v, p) for p in ("exim", "dns", "rspamd"))

    # per (v, k): lists over rounds
    tot, ratio, added, vs_rsp, control = {}, {}, {}, {}, {}
    parts = {}
    for (r, k), w in sorted(cpu.items()):
        base = statistics.mean(total(w, b) for b in BASE)
        control.setdefault(k, []).append(total(w, "plain2") / total(w, "plain1"))
        rsp = total(w, "rspamd") - base if "rspamd" in ran else None
        for v in ran:
            t = total(w, v)
            tot.setdefault((v, k), []).append(t)
            ratio.setdefault((v, k), []).append(t / base)
            added.setdefault((v, k), []).append(t - base)
            if rsp is not None and rsp > 0:
                vs_rsp.setdefault((v, k), []).append((t - base) / rsp)
            for p in ("exim", "dns", "rspamd"):
                parts.setdefault((v, k, p), []).append(comp(w, v, p))
    # The per-connection part c and per-message part m of added CPU, from
    # one message per session (m + c) and K per session (m + c / K) in
    # the same round.
    conn, msg = {}, {}
    if len(splits) >= 2 and splits[0] == 1:
        kn = splits[-1]
        for r in rounds:
            if (r, 1) not in cpu or (r, kn) not in cpu:
                continue
            b1 = statistics.mean(total(cpu[(r, 1)], b) for b in BASE)
            bn = statistics.mean(total(cpu[(r, kn)], b) for b in BASE)
            for v in ran:
                a1 = total(cpu[(r, 1)], v) - b1
                an = total(cpu[(r, kn)], v) - bn
                c = (a1 - an) * kn / (kn - 1)
                conn.setdefault(v, []).append(c)
                msg.setdefault(v, []).append(a1 - c)

    print("| variant | what | in this run |")
    print("|---|---|---|")
    for n, s, w in variants:
        print("| %s | %s | %s |" % (n, w, "measured" if s == "ok" else s))
    print()
    print("Noise floor, the two identical plain-Exim daemons (plain2/plain1, "
          "whole-gateway CPU): " + "; ".join(
              "%d message%s per session %s" % (k, "" if k == 1 else "s",
                                               fmt(control[k], 3))
              for k in splits) + ".")
    print()
    hdr = " | ".join("%d msg/session: ms per message | ratio to plain Exim"
                     % k for k in splits)
    print("| variant | " + hdr + " |")
    print("|---|" + "---|---|" * len(splits))
    for v in ran:
        cells = " | ".join("%s | %s" % (fmt(tot[(v, k)], 3),
                                        fmt(ratio[(v, k)], 3)) for k in splits)
        print("| %s | %s |" % (v, cells))
    print()
    print("Whole-gateway CPU per message (the variant's Exim daemon with "
          "all it forked, its DNS server, and Rspamd for rspamd), and its "
          "ratio to plain Exim's in the same window.")
    print()
    hdr = " | ".join("%d msg/session: added ms per message | / Rspamd's added"
                     % k for k in splits)
    extra = " per session, ms | per message, ms |" if conn else ""
    print("| variant | " + hdr + " |" + extra)
    print("|---|" + "---|---|" * len(splits) + ("---|---|" if conn else ""))
    for v in ran:
        if v in BASE:
            continue
        cells = " | ".join("%s | %s" % (fmt(added[(v, k)], 3),
                                        fmt(vs_rsp.get((v, k), []), 3))
                           for k in splits)
        if conn:
            cells += " | %s | %s" % (fmt(conn.get(v, []), 3),
                                     fmt(msg.get(v, []), 3))
        print("| %s | %s |" % (v, cells))
    print()
    if conn:
        print("Added CPU over plain Exim, per message, and its ratio to "
              "Rspamd's added CPU in the same window. The split solves, "
              "per round, m + c (one message per session) and m + c / %d "
              "(%d per session) for the part c paid once per SMTP session "
              "and the part m paid per message." % (splits[-1], splits[-1]))
        print()
    k = splits[0]
    print("| variant (%d message per session, ms per message) | Exim | DNS "
          "server | Rspamd |" % k)
    print("|---|---|---|---|")
    for v in ran:
        print("| %s | %s | %s | %s |" % (
            v, fmt(parts[(v, k, "exim")], 3), fmt(parts[(v, k, "dns")], 3),
            fmt(parts[(v, k, "rspamd")], 3) if v == "rspamd" else "-"))
    print()
    # The targets, where the variants they name ran.
    lines = []

    def target(label, values, goal):
        if values:
            lines.append("- %s: %s (%s%s)" % (label, fmt(values, 3),
                                              "" if goal[0].isalpha() else
                                              "target ", goal))
    k1 = splits[0]
    # A target set for the preload is shown for the variant without it
    # when this build has no preload, and says so.
    def pick(v):
        if v in ran:
            return v, ""
        if v.endswith("-pre") and v[:-4] in ran:
            return v[:-4], " (%s not available: without the preload)" % v
        return None, ""
    for v, goal in (("so-pre", "<= 0.2"), ("verify-pre", "<= 0.35")):
        w, note = pick(v)
        if w:
            target("%s added CPU / Rspamd's, %d msg/session%s" % (w, k1, note),
                   vs_rsp.get((w, k1), []), goal)
    for v, goal in (("so-pre", "<= 1.08"), ("verify-pre", "<= 1.12"),
                    ("rspamd", "no target: Rspamd's in the same run"), ("static", "about 1.03")):
        w, note = pick(v)
        if w:
            target("%s whole gateway / plain Exim, %d msg/session%s"
                   % (w, k1, note), ratio[(w, k1)], goal)
    for big, small in (("big", "so"), ("big-agc", "so"),
                       ("big-agc-pre", "so-pre")):
        if big in ran and small in ran:
            per = [a / b for a, b in zip(tot[(big, k1)], tot[(small, k1)])]
            target("%s / %s (10,000 against 10 domains), whole gateway, "
                   "%d msg/session" % (big, small, k1), per, "<= 1.05")
    if lines:
        print("Issue 18's targets, from this run's windows:")
        print()
        print("\n".join(lines))
        print()


main()
