#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate report: DMARC aggregate reports from a log of 4,000 messages
# over two days. Every report validates against RFC 7489's XML schema (as
# Mail::DMARC ships it), parses with Mail::DMARC's own report reader, and
# its counts per disposition equal those jq finds in the log for that
# domain and day; --send hands RFC 7489 mails to the mailer. TAP.
# usage: report.t BUILD/authgate
set -u
ag=${1:-build/authgate}
data=$(cd "$(dirname "$0")/../data/replay" && pwd)
. "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# RFC 7489 Appendix C's schema as Mail::DMARC ships it. As printed, it
# declares a targetNamespace but refers to its own types unqualified,
# which no validator accepts; reports in the wild (and these) use no
# namespace, so the schema is read without one.
sed 's/ targetNamespace="[^"]*"//' /usr/share/perl5/auto/share/dist/Mail-DMARC/rua-schema.xsd >"$tmp/rua.xsd"
XSD=$tmp/rua.xsd

# Domains d0..d9 ask for reports at their own address.
/usr/bin/python3 "$data/facts.py" 4000 | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    f = json.loads(line)
    for name, rec in list(f["dns"].items()):
        dom = name[len("_dmarc."):]
        if rec.startswith("v=DMARC1") and dom[1:].split(".")[0].isdigit() and int(dom[1:].split(".")[0]) < 10:
            f["dns"][name] = rec + "; rua=mailto:agg@" + dom
    print(json.dumps(f))
' >"$tmp/facts.jsonl"
"$ag" decide --policy "$data/b.ini" --facts "$tmp/facts.jsonl" --lines --log --host mx.test |
	awk '{ d = NR <= 2000 ? "22" : "23"; h = int((NR % 2000) / 100);
		sub(/"ts":"[^"]*"/, sprintf("\"ts\":\"2026-11-%sT%02d:30:00Z\"", d, h)); print }' >"$tmp/authgate.log"

mkdir "$tmp/out"
"$ag" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-22 \
	--out "$tmp/out" "$tmp/authgate.log" >"$tmp/report.out" 2>"$tmp/report.err"
[ $? = 0 ] && ok "report exits 0" || nok "report exit status" "$(cat "$tmp/report.err")"
begin=$(date -u -d 2026-11-22 +%s)
nfiles=$(ls "$tmp/out" | wc -l)
[ "$nfiles" = 10 ] && ls "$tmp/out" | grep -qx "gw.test!d3.example!$begin!$((begin + 86399)).xml.gz" &&
	ok "one RECEIVER!DOMAIN!BEGIN!END.xml.gz per domain asking (10)" || nok "file names" "$(ls "$tmp/out")"

# What the log says, per domain and disposition (the day's lines only,
# DMARC pass or fail, not tempfailed).
jq -r 'select(.ts | startswith("2026-11-22")) | select(.decision.action != "tempfail")
	| select(.decision.dmarc.result == "pass" or .decision.dmarc.result == "fail")
	| select(.facts.dns[.decision.dmarc.record] // "" | test("rua="))
	| [.decision.dmarc.record[7:],
	   (if .decision.dmarc.result == "pass" or .decision.action == "accept" then "none"
	    elif .decision.action == "reject" then "reject" else "quarantine" end)] | @tsv' \
	"$tmp/authgate.log" | sort | uniq -c | awk '{print $2, $3, $1}' | sort >"$tmp/expected"

# What Mail::DMARC reads in the reports, after checking them against the
# schema.
perl -e '
use strict; use warnings;
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use XML::LibXML;
use Mail::DMARC::Report::Receive;
no warnings "redefine";
*Mail::DMARC::Report::save_aggregate = sub { 1 };
my $schema = XML::LibXML::Schema->new(location => shift @ARGV);
for my $file (@ARGV) {
	my $xml;
	gunzip($file => \$xml) or die "$file: $GunzipError";
	$schema->validate(XML::LibXML->load_xml(string => $xml));
	my $r = Mail::DMARC::Report::Receive->new;
	$r->handle_body($xml);
	my $agg = $r->report->aggregate;
	my %n;
	$n{$_->row->policy_evaluated->disposition} += $_->row->count for @{$agg->record};
	print join(" ", $agg->policy_published->domain, $_, $n{$_}), "\n" for sort keys %n;
}' "$XSD" "$tmp"/out/*.xml.gz 2>"$tmp/perl.err" | sort >"$tmp/got"
if [ -s "$tmp/got" ] && cmp -s "$tmp/expected" "$tmp/got"; then
	ok "schema-valid; Mail::DMARC's counts per domain and disposition equal the log's ($(awk '{s += $3} END {print s}' "$tmp/got") messages)"
else
	nok "reports against the log" "$(cat "$tmp/perl.err"; diff "$tmp/expected" "$tmp/got" | head)"
fi
zcat "$tmp/out/gw.test!d3.example!$begin!$((begin + 86399)).xml.gz" >"$tmp/d3.xml"
grep -q '<org_name>GW Test</org_name><email>postmaster@gw.test</email>' "$tmp/d3.xml" &&
	grep -q "<date_range><begin>$begin</begin><end>$((begin + 86399))</end></date_range>" "$tmp/d3.xml" &&
	grep -q '<policy_published><domain>d3.example</domain>' "$tmp/d3.xml" &&
	ok "metadata and policy_published" || nok "metadata" "$(head -c 600 "$tmp/d3.xml")"

# --send: one RFC 7489 mail per report to the rua= address.
"$ag" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-22 \
	--out "$tmp/out" --send --sendmail "cat >>$tmp/outbox; echo >>$tmp/outbox" "$tmp/authgate.log" >/dev/null 2>"$tmp/send.err"
[ $? = 0 ] && [ "$(grep -c '^Subject: Report Domain: ' "$tmp/outbox")" = 10 ] &&
	grep -q "^To: agg@d3.example$" "$tmp/outbox" &&
	grep -q "^Subject: Report Domain: d3.example Submitter: gw.test Report-ID: <" "$tmp/outbox" &&
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
