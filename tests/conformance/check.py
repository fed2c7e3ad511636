#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check.py: the external conformance suites (../shared/conformance, where
it exists beside the checkout) held against the project's table of
accepted disagreements, tests/conformance/accepted.tsv.

Each suite's harness runs `authgate explain` on every case and writes one
JSON record per case. A disagreement passes only when the table lists
that suite and case with the same answer from authgate, and a reason; a
listed case that now agrees, or now answers something else, fails too,
so the table says exactly what authgate does. Prints TAP, one line per
suite and one per problem.

usage: check.py [--authgate PATH] [--suite NAME]... [--keep DIR]
"""
import argparse
import csv
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), 'shared', 'conformance')
PY = '/usr/bin/python3'

# name -> harness and its arguments, in the order they run.
SUITES = {
    'arc': ['arc_suite.py'],
    'spf-rfc7208': ['spf_suite.py', '--suite', 'rfc7208'],
    'spf-rfc4408': ['spf_suite.py', '--suite', 'rfc4408'],
    'dkim': ['dkim_suites.py'],
    'dmarc': ['dmarc_suite.py'],
    'authentication_milter': ['authmilter_suite.py'],
}


def load_accepted():
    """(suite, case) -> (got, reason) from accepted.tsv."""
    table = {}
    path = os.path.join(HERE, 'accepted.tsv')
    with open(path, encoding='utf-8') as fh:
        rows = csv.reader((l for l in fh if l.strip() and
                           not l.startswith('#')), delimiter='\t')
        for n, row in enumerate(rows, 1):
            if len(row) != 4 or not row[3].strip():
                sys.exit(f'{path}: row {n}: want suite, case, got, reason')
            table[(row[0], row[1])] = (row[2], row[3])
    return table


# The suites test the verifiers, so explain runs under a policy that turns
# them all on (arc = self), never under whatever policy this machine has
# installed: the harnesses call `authgate explain` with no --policy.
POLICY = """[general]
arc = self
dkim = self
spf = self
"""


def pinned_authgate(authgate, workdir):
    """A wrapper that runs AUTHGATE's explain under POLICY; returns its path."""
    policy = os.path.join(workdir, 'conformance-policy.ini')
    with open(policy, 'w', encoding='utf-8') as fh:
        fh.write(POLICY)
    wrapper = os.path.join(workdir, 'authgate')
    with open(wrapper, 'w', encoding='utf-8') as fh:
        fh.write('#!/bin/sh\n'
                 'if [ "$1" = explain ]; then\n'
                 '\tshift\n'
                 f'\texec {shlex.quote(authgate)} explain '
                 f'--policy {shlex.quote(policy)} "$@"\n'
                 'fi\n'
                 f'exec {shlex.quote(authgate)} "$@"\n')
    os.chmod(wrapper, 0o755)
    return wrapper


def run_suite(name, argv, authgate, workdir):
    out = os.path.join(workdir, name + '.jsonl')
    log = os.path.join(workdir, name + '.txt')
    env = dict(os.environ, AUTHGATE=authgate)
    with open(log, 'w') as fh:
        rc = subprocess.call([PY, os.path.join(SHARED, argv[0])] + argv[1:]
                             + ['--authgate', authgate, '--json', out],
                             stdout=fh, stderr=subprocess.STDOUT, env=env,
                             cwd=ROOT)
    records = []
    if os.path.exists(out):
        with open(out, encoding='utf-8') as fh:
            records = [json.loads(l) for l in fh if l.strip()]
    return rc, records, log


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--authgate', default=os.path.join(ROOT, 'build',
                                                       'authgate'))
    ap.add_argument('--suite', action='append', choices=list(SUITES))
    ap.add_argument('--keep', help='keep the harness outputs in DIR')
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        print('1..0 # SKIP ../shared/conformance not found')
        return 0
    if os.geteuid() != 0:
        print('1..0 # SKIP the conformance harnesses need root (ip netns)')
        return 0
    accepted = load_accepted()
    names = args.suite or list(SUITES)
    workdir = args.keep or tempfile.mkdtemp(prefix='ag-conformance.')
    os.makedirs(workdir, exist_ok=True)
    authgate = pinned_authgate(os.path.abspath(args.authgate), workdir)
    n = 0
    failed = 0
    seen = set()
    for name in names:
        rc, records, log = run_suite(name, SUITES[name], authgate, workdir)
        problems = []
        agree = disagree = skipped = 0
        for r in records:
            key = (name, r['case'])
            seen.add(key)
            if r['agree'] is None:
                skipped += 1
                continue
            want = accepted.get(key)
            if r['agree']:
                agree += 1
                if want is not None:
                    problems.append(f"{r['case']}: agrees now ({r['got']}):"
                                    ' remove it from accepted.tsv')
                continue
            disagree += 1
            if want is None:
                problems.append(f"{r['case']}: expected {r['expected']}, "
                                f"authgate {r['got']} ({r['detail'] or r['note']})"
                                ': not in accepted.tsv')
            elif want[0] != r['got']:
                problems.append(f"{r['case']}: authgate {r['got']}, "
                                f'accepted.tsv says {want[0]}')
        if not records:
            problems.append(f'the harness wrote no records (exit {rc}); '
                            f'see {log}')
        n += 1
        ok = not problems
        failed += not ok
        print(f"{'ok' if ok else 'not ok'} {n} - {name}: {agree} agree, "
              f'{disagree} disagree (each in accepted.tsv unless below), '
              f'{skipped} skipped')
        for p in problems:
            print(f'#   {p}')
    for key in sorted(k for k in accepted if k[0] in names and k not in seen):
        n += 1
        failed += 1
        print(f'not ok {n} - {key[0]} {key[1]}: in accepted.tsv, '
              'but the suite has no such case')
    print(f'1..{n}')
    if not args.keep:
        subprocess.call(['rm', '-rf', workdir])
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
