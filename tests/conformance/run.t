#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The public conformance suites (../shared/conformance, where it exists
# beside the checkout) against the authgate binary given as argument,
# held against tests/conformance/accepted.tsv. TAP; needs root.
exec /usr/bin/python3 "$(dirname "$0")/check.py" --authgate "${1:-build/authgate}"
