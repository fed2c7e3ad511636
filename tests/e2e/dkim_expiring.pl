#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# dkim_expiring.pl SELECTOR DOMAIN KEYFILE CANON SECONDS < message
# Signs with Mail::DKIM, setting t= to now - 7200 and x= to now + SECONDS
# (negative: a signature that has expired), which neither dkimproxy-sign
# nor python3-dkim's dkimsign can do. Prints the DKIM-Signature header
# and the message.
use strict;
use warnings;
use Mail::DKIM::PrivateKey;
use Mail::DKIM::Signature;
use Mail::DKIM::Signer;

my ($sel, $dom, $keyfile, $canon, $secs) = @ARGV;
my $now = time();
my $key = Mail::DKIM::PrivateKey->load(File => $keyfile);
my $signer = Mail::DKIM::Signer->new(
	Key    => $key,
	Policy => sub {
		my $s = shift;
		$s->add_signature(Mail::DKIM::Signature->new(
			Algorithm  => 'rsa-sha256',
			Method     => $canon,
			Domain     => $dom,
			Selector   => $sel,
			Headers    => 'from:to:subject:date:message-id',
			Timestamp  => $now - 7200,
			Expiration => $now + $secs));
		return;
	});
my @lines = <STDIN>;
for my $l (@lines) {
	(my $crlf = $l) =~ s/\r?\n\z/\r\n/;
	$signer->PRINT($crlf);
}
$signer->CLOSE;
print $signer->signature->as_string, "\n";
print @lines;
