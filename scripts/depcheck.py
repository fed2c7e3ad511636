#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""depcheck.py: the module boundaries of README "Layout", checked.

Each source folder may include its own headers, the folders its row of
LAYERS names (all of them below it), and the system headers its row of
SYSTEM names. Also checked: no include circle between files, no file
name used twice, no source file over MAX_LINES lines, and no library
folder with more than a quarter of the C lines (cli/ is one file per
subcommand, each a job of its own, and grows with the commands; the
share rule is there to catch a library folder taking on several roles). Exit 0 when all hold, 1 otherwise,
with one line per problem.
"""
import os
import re
import sys
from collections import defaultdict

# Folders a folder's files may include, besides its own.
LAYERS = {
    'util': [],
    'mail': ['util'],
    'policy': ['mail', 'util'],
    'report': ['policy', 'mail', 'util'],
    'verify': ['policy', 'mail', 'util'],
    'log': ['report', 'policy', 'mail', 'util'],
    'local_scan': ['log', 'verify', 'report', 'policy', 'mail', 'util'],
    'cli': ['log', 'verify', 'report', 'policy', 'mail', 'util'],
}

# C library headers every folder may use; the pure folders (util, mail,
# policy, report, log) get no others but their rows below.
LIBC = {
    'assert.h', 'ctype.h', 'errno.h', 'inttypes.h', 'limits.h',
    'stdalign.h', 'stdarg.h', 'stdbool.h', 'stddef.h', 'stdint.h',
    'stdio.h', 'stdlib.h', 'string.h', 'strings.h', 'time.h',
    'arpa/inet.h',
}
# Headers that open, map or stat files: in the pure folders only in the
# one file that loads the policy.
FILE_IO = {'fcntl.h', 'unistd.h', 'sys/stat.h', 'sys/mman.h', 'sys/types.h'}
POLICY_LOADER = 'policy/load.c'
OS = FILE_IO | {
    'signal.h', 'poll.h', 'getopt.h', 'netdb.h', 'netinet/in.h',
    'resolv.h', 'arpa/nameser.h', 'sys/socket.h', 'sys/un.h',
    'sys/wait.h', 'sys/time.h', 'sys/file.h',
}
CRYPTO_AUTH = re.compile(r'^(opendkim|spf2|openssl|nettle|opendmarc)/')
SYSTEM = {
    'util': {'nettle/sha2.h'},
    'mail': {'idn2.h'},
    'policy': {'ini.h', 'libpsl.h'},
    'report': set(),
    'log': set(),
    'verify': OS | {'idn2.h', 'gmp.h', 'CRYPTO_AUTH'},
    'local_scan': OS | {'exim4/local_scan.h'},
    'cli': OS | {'zlib.h', 'pwd.h', 'grp.h'},
}
MAX_LINES = 900
MAX_SHARE = 0.25
SHARE_EXEMPT = {'cli'}

INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    problems = []
    files = []
    for d in LAYERS:
        for name in sorted(os.listdir(d)):
            if name.endswith(('.c', '.h')):
                files.append(f'{d}/{name}')
    graph = defaultdict(set)
    seen_names = defaultdict(list)
    lines_by_dir = defaultdict(int)
    for f in files:
        d, name = f.split('/', 1)
        seen_names[name].append(f)
        with open(f, encoding='utf-8') as fh:
            text = fh.read()
        n = text.count('\n')
        if f.endswith('.c'):
            lines_by_dir[d] += n
        lines_by_dir[d + ' (c+h)'] += n
        if n > MAX_LINES:
            problems.append(f'{f}: {n} lines (at most {MAX_LINES})')
        for m in INCLUDE.finditer(text):
            kind, target = m.group(1), m.group(2)
            if kind == '"':
                tdir = target.split('/', 1)[0] if '/' in target else None
                if tdir is None or tdir not in LAYERS:
                    problems.append(f'{f}: #include "{target}": name '
                                    'the folder ("util/arena.h")')
                    continue
                if tdir != d and tdir not in LAYERS[d]:
                    problems.append(f'{f}: #include "{target}": {d}/ may '
                                    f'not use {tdir}/')
                graph[f].add(target)
                continue
            if target in LIBC:
                continue
            allowed = SYSTEM[d]
            if target in allowed:
                continue
            if 'CRYPTO_AUTH' in allowed and CRYPTO_AUTH.match(target):
                continue
            if f == POLICY_LOADER and target in FILE_IO:
                continue
            problems.append(f'{f}: #include <{target}>: not for {d}/')
    for name, where in seen_names.items():
        if len(where) > 1:
            problems.append(f'{name}: in {" and ".join(where)}')
    problems += circles(graph)
    total = sum(v for k, v in lines_by_dir.items() if '(' not in k)
    for d in LAYERS:
        if d in SHARE_EXEMPT:
            continue
        share = lines_by_dir[d] / total if total else 0
        if share > MAX_SHARE:
            problems.append(f'{d}/: {share:.0%} of the C lines '
                            f'(at most {MAX_SHARE:.0%})')
    for p in problems:
        print(f'depcheck: {p}')
    if problems:
        return 1
    print(f'depcheck: boundaries hold ({len(files)} files, '
          f'{total} lines of C)')
    return 0


def circles(graph):
    """Include circles, each named once by the file where it was found."""
    found = []
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):] + [nxt]
                found.append('include circle: ' + ' -> '.join(cyc))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


if __name__ == '__main__':
    sys.exit(main())
