#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate report: DMARC aggregate reports (RFC 9990) from a log of 4,000
# messages over two days, the first day's lines in the RFC 9989 form
# (decision.dmarc.method and the keys that come with it), the second's as
# logs before it. Every report validates with xmllint against RFC 9990's
# schema (tests/data/rfc9990); its counts per disposition equal those jq
# finds in the log for that Policy Domain and day; subdomains without a
# record of their own share their Policy Domain's report; a re-run names
# every report the same; --send hands RFC 9990 mails to the mailer. TAP.
# usage: report.t BUILD/authgate
set -u
ag=${1:-build/authgate}
data=$(cd "$(dirname "$0")/../data/replay" && pwd)
XSD=$(cd "$(dirname "$0")/../data/rfc9990" && pwd)/dmarc-xml-0.2.xsd
. "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Domains d0..d9 ask for reports at their own address; a third of d3's
# mail comes From sub.d3.example, which has no record of its own.
/usr/bin/python3 "$data/facts.py" 4000 | /usr/bin/python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    f = json.loads(line)
    for name, rec in list(f["dns"].items()):
        dom = name[len("_dmarc."):]
        if rec.startswith("v=DMARC1") and dom[1:].split(".")[0].isdigit() and int(dom[1:].split(".")[0]) < 10:
            f["dns"][name] = rec + "; rua=mailto:agg@" + dom
    if f["from"] == ["User <u@d3.example>"]:
        n += 1
        if n % 3 == 0:
            f["from"] = ["User <u@sub.d3.example>"]
    print(json.dumps(f))
' >"$tmp/facts.jsonl"
# The first day as the module logs it now (RFC 9989: method, policy
# domain and the keys that come with them); the second day as lines were
# logged before RFC 9989 (v 1, without those keys).
"$ag" decide --policy "$data/b.ini" --facts "$tmp/facts.jsonl" --lines --log --host mx.test |
	awk '{ d = NR <= 2000 ? "22" : "23"; h = int((NR % 2000) / 100);
		sub(/"ts":"[^"]*"/, sprintf("\"ts\":\"2026-11-%sT%02d:30:00Z\"", d, h)); print }' |
	jq -c 'if (.ts | startswith("2026-11-22")) then .
		else .v = 1 | .decision.dmarc |= del(.method, .method_forced, .policy_domain,
			.org_domain, .source, .tag, .published, .psd, .testing, .pct0_testing)
		end' >"$tmp/authgate.log"

mkdir "$tmp/out"
"$ag" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-22 \
	--out "$tmp/out" "$tmp/authgate.log" >"$tmp/report.out" 2>"$tmp/report.err"
[ $? = 0 ] && ok "report exits 0" || nok "report exit status" "$(cat "$tmp/report.err")"
begin=$(date -u -d 2026-11-22 +%s)
nfiles=$(ls "$tmp/out" | wc -l)
[ "$nfiles" = 10 ] && ls "$tmp/out" | grep -qx "gw.test!d3.example!$begin!$((begin + 86399)).xml.gz" &&
	ok "one RECEIVER!DOMAIN!BEGIN!END.xml.gz per domain asking (10)" || nok "file names" "$(ls "$tmp/out")"

# What the log says, per Policy Domain and disposition (the day's lines
# only, DMARC pass or fail, not tempfailed): "pass" for a DMARC pass under
# an enforcing policy.
expected() {
	jq -r --arg day "$1" 'select(.ts | startswith($day)) | select(.decision.action != "tempfail")
	| select(.decision.dmarc.result == "pass" or .decision.dmarc.result == "fail")
	| select(.facts.dns[.decision.dmarc.record] // "" | test("rua="))
	| [(.decision.dmarc.policy_domain // .decision.dmarc.record[7:]),
	   (if .decision.dmarc.result == "pass" then
		(if (.decision.dmarc.published // .decision.dmarc.policy) == "none" then "none" else "pass" end)
	    elif .decision.action == "accept" then "none"
	    elif .decision.action == "reject" then "reject" else "quarantine" end)] | @tsv' \
	"$tmp/authgate.log" | sort | uniq -c | awk '{print $2, $3, $1}' | sort
}
# What the reports say: Policy Domain, disposition, count.
got() {
	/usr/bin/python3 -c '
import gzip, sys, xml.etree.ElementTree as ET
ns = {"d": "urn:ietf:params:xml:ns:dmarc-2.0"}
for path in sys.argv[1:]:
    root = ET.fromstring(gzip.open(path).read())
    dom = root.find("d:policy_published/d:domain", ns).text
    n = {}
    for row in root.findall("d:record/d:row", ns):
        disp = row.find("d:policy_evaluated/d:disposition", ns).text
        n[disp] = n.get(disp, 0) + int(row.find("d:count", ns).text)
    for disp in sorted(n):
        print(dom, disp, n[disp])
' "$@" | sort
}
# Every report against RFC 9990's schema.
validate() {
	local f rc=0
	for f in "$@"; do
		zcat "$f" >"$tmp/v.xml"
		xmllint --noout --schema "$XSD" "$tmp/v.xml" >>"$tmp/xmllint.err" 2>&1 || rc=1
	done
	return $rc
}

validate "$tmp"/out/*.xml.gz &&
	ok "every report validates against RFC 9990's XSD (xmllint)" || nok "xmllint" "$(grep -v validates "$tmp/xmllint.err" | head)"
expected 2026-11-22 >"$tmp/expected"
got "$tmp"/out/*.xml.gz >"$tmp/got"
if [ -s "$tmp/got" ] && cmp -s "$tmp/expected" "$tmp/got"; then
	ok "counts per Policy Domain and disposition equal the log's ($(awk '{s += $3} END {print s}' "$tmp/got") messages)"
else
	nok "reports against the log" "$(diff "$tmp/expected" "$tmp/got" | head)"
fi
grep -q " pass " "$tmp/got" && ok "DMARC passes under an enforcing policy: disposition pass" || nok "no disposition pass"
zcat "$tmp/out/gw.test!d3.example!$begin!$((begin + 86399)).xml.gz" >"$tmp/d3.xml"
grep -q '<org_name>GW Test</org_name><email>postmaster@gw.test</email>' "$tmp/d3.xml" &&
	grep -q "<date_range><begin>$begin</begin><end>$((begin + 86399))</end></date_range>" "$tmp/d3.xml" &&
	grep -q '<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>' "$tmp/d3.xml" &&
	grep -q '<generator>authgate [0-9.]*</generator>' "$tmp/d3.xml" &&
	grep -q '<policy_published><domain>d3.example</domain>' "$tmp/d3.xml" &&
	grep -q '<discovery_method>treewalk</discovery_method>' "$tmp/d3.xml" &&
	grep -q '<testing>n</testing></policy_published>' "$tmp/d3.xml" &&
	! grep -q '<pct>\|sampled_out' "$tmp/d3.xml" &&
	ok "namespace, metadata with generator, policy_published with discovery_method and testing, no pct" ||
	nok "metadata" "$(head -c 900 "$tmp/d3.xml")"
# sub.d3.example has no record: its rows are in d3.example's report.
grep -q '<header_from>sub.d3.example</header_from>' "$tmp/d3.xml" && grep -q '<header_from>d3.example</header_from>' "$tmp/d3.xml" &&
	! ls "$tmp/out" | grep -q 'sub.d3' &&
	ok "a subdomain without a record shares its Policy Domain's report" || nok "sub.d3.example" "$(ls "$tmp/out")"
# Lines without the RFC 9989 keys (written before them): read as RFC 7489.
mkdir "$tmp/out23"
"$ag" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-23 \
	--out "$tmp/out23" "$tmp/authgate.log" >/dev/null 2>"$tmp/report23.err"
expected 2026-11-23 >"$tmp/expected23"
got "$tmp"/out23/*.xml.gz >"$tmp/got23"
validate "$tmp"/out23/*.xml.gz && cmp -s "$tmp/expected23" "$tmp/got23" &&
	zcat "$tmp/out23/gw.test!d3.example!$((begin + 86400))!$((begin + 2 * 86400 - 1)).xml.gz" | grep -q '<discovery_method>psl</discovery_method>' &&
	ok "old log lines: schema-valid reports, discovery_method psl, the log's counts" ||
	nok "old log lines" "$(cat "$tmp/report23.err"; grep -v validates "$tmp/xmllint.err" | head -5; diff "$tmp/expected23" "$tmp/got23" | head -5)"
# A re-run over the same period, the log split in two and given in the
# other order, names every report the same (file and Report-ID).
head -n 1000 "$tmp/authgate.log" >"$tmp/a.log"
tail -n +1001 "$tmp/authgate.log" >"$tmp/b.log"
mkdir "$tmp/rerun"
"$ag" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-22 \
	--out "$tmp/rerun" "$tmp/b.log" "$tmp/a.log" >/dev/null 2>&1
ids() { for f in "$1"/*.xml.gz; do echo "$(basename "$f") $(zcat "$f" | sed -n 's/.*<report_id>\([^<]*\)<.*/\1/p')"; done; }
ids "$tmp/out" >"$tmp/ids1"
ids "$tmp/rerun" >"$tmp/ids2"
[ "$(wc -l <"$tmp/ids1")" = 10 ] && cmp -s "$tmp/ids1" "$tmp/ids2" &&
	grep -q "^gw.test!d3.example!$begin!$((begin + 86399)).xml.gz $begin.$((begin + 86399)).d3.example@gw.test$" "$tmp/ids1" &&
	ok "a re-run: the same file names and Report-IDs" || nok "re-run" "$(diff "$tmp/ids1" "$tmp/ids2" | head -5; head -3 "$tmp/ids1")"

# --send: one RFC 9990 mail per report to the rua= address.
"$ag" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-22 \
	--out "$tmp/out" --send --sendmail "cat >>$tmp/outbox; echo >>$tmp/outbox" "$tmp/authgate.log" >/dev/null 2>"$tmp/send.err"
[ $? = 0 ] && [ "$(grep -c '^Subject: Report Domain: ' "$tmp/outbox")" = 10 ] &&
	grep -q "^To: agg@d3.example$" "$tmp/outbox" &&
	grep -q "^Subject: Report Domain: d3.example Submitter: gw.test Report-ID: <$begin.$((begin + 86399)).d3.example@gw.test>$" "$tmp/outbox" &&
	grep -q "^Content-Type: application/gzip" "$tmp/outbox" &&
	ok "--send: ten report mails with the gzip attached" || nok "--send" "$(cat "$tmp/send.err"; head -20 "$tmp/outbox" 2>/dev/null)"
# The attachment is the report.
awk '/^Subject: Report Domain: d3.example/ {m = 1} m && /^Content-Disposition: attachment/ {a = 1; next}
	a && /^$/ && !b {b = 1; next} b && /^--authgate/ {exit} b {print}' "$tmp/outbox" | base64 -d >"$tmp/att.gz" 2>/dev/null
cmp -s "$tmp/att.gz" "$tmp/out/gw.test!d3.example!$begin!$((begin + 86399)).xml.gz" &&
	ok "--send: the attachment is the report file" || nok "--send: attachment differs"

"$ag" report --org-name X --org-email postmaster@gw.test --period 2026-11-20 --out "$tmp/out" "$tmp/authgate.log" | grep -q "no reports due" &&
	ok "a day without mail: no reports" || nok "a day without mail"
"$ag" report --org-name X --org-email nobody --period 2026-11-22 "$tmp/authgate.log" >/dev/null 2>&1
[ $? = 2 ] && ok "an --org-email without a domain: exit 2" || nok "bad --org-email: exit 2"
"$ag" report --org-name X --org-email a@gw.test --period 22.11.2026 "$tmp/authgate.log" >/dev/null 2>&1
[ $? = 2 ] && ok "a bad --period: exit 2" || nok "bad --period: exit 2"

tap_done
