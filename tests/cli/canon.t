#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mail/canon.c against python3-dkim: every message of a set built to
# stress canonicalization (blank runs, tabs, trailing blanks, folded
# fields, blank lines at the end, empty bodies, no final line end, LF and
# CRLF) must come out byte for byte as dkim.canonicalization makes it,
# under simple and relaxed. TAP. usage: canon.t BUILD/authgate
set -u
build=$(dirname "${1:-build/authgate}")
dump=$build/tests/canon_dump
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

"$PY" - "$tmp" <<'PY'
import sys, os
d = sys.argv[1]
cases = {
    "plain": b"From: a@example.com\nSubject: hi\n\nHello\n",
    "blanks": b"From:   a@example.com  \nSubject:\t two  \t words \t\n\n a  b \t c \t\nline\t\n",
    "folded": b"From: a@example.com\nSubject: one\n  two\n\tthree  \nX-Long:\n  value\n\nbody\n",
    "trailing-empty": b"From: a@example.com\n\nbody\n\n\n \n\t\n",
    "empty-body": b"From: a@example.com\n\n",
    "only-blank-lines": b"From: a@example.com\n\n\n\n\n",
    "no-final-eol": b"From: a@example.com\n\nlast line without end",
    "inner-empty": b"From: a@example.com\n\na\n\n\nb\n\n",
    "crlf": b"From: a@example.com\r\nSubject: x  y\r\n\r\n a \r\n\r\n",
    "name-case": b"FROM: a@example.com\nSuBjEcT: X\n\nx\n",
    "blank-value": b"From: a@example.com\nX-Empty:\nX-Space:   \n\nx\n",
}
for name, data in cases.items():
    open(os.path.join(d, name + ".eml"), "wb").write(data)
PY
[ $? = 0 ] || { echo "Bail out! could not write the messages"; exit 1; }

"$PY" - "$tmp" <<'PY'
import sys, os, glob
from dkim import rfc822_parse
from dkim.canonicalization import Simple, Relaxed
for path in glob.glob(os.path.join(sys.argv[1], "*.eml")):
    raw = open(path, "rb").read()
    # python3-dkim works on CRLF text, as a message is on the wire.
    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    headers, body = rfc822_parse(raw)
    for label, c in (("simple", Simple), ("relaxed", Relaxed)):
        out = b"".join(n + b":" + v for n, v in c.canonicalize_headers(headers))
        # rfc822_parse keeps each value's final CRLF.
        out += b"--body--\r\n" + c.canonicalize_body(body)
        open(path + "." + label + ".py", "wb").write(out)
PY
[ $? = 0 ] || { echo "Bail out! python3-dkim could not canonicalize"; exit 1; }

for f in "$tmp"/*.eml; do
	name=$(basename "$f" .eml)
	for c in simple relaxed; do
		n=$((n + 1))
		"$dump" "$c" "$f" >"$f.$c.c" 2>&1
		if cmp -s "$f.$c.c" "$f.$c.py"; then
			echo "ok $n - $name $c"
		else
			failed=$((failed + 1))
			echo "not ok $n - $name $c"
			diff <(od -c "$f.$c.py") <(od -c "$f.$c.c") | head -10 | sed 's/^/#   /'
		fi
	done
done
echo "1..$n"
[ "$failed" = 0 ]
