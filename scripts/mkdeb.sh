#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkdeb.sh BUILD VERSION ARCH: the authgate binary package, with dpkg-deb
# from `make install PREFIX=/usr DESTDIR=...`, its library dependencies
# found by dpkg-shlibdeps (the Exim ones are in packaging/deb/control.in),
# then checked by lintian (an error fails the build).
set -euo pipefail
build=$1 version=$2 arch=$3
root=$build/deb/root
deb=$build/authgate_${version}_${arch}.deb
rm -rf "$build/deb"
mkdir -p "$root/DEBIAN"
make -s install PREFIX=/usr SYSCONFDIR=/etc DESTDIR="$root" BUILD="$build"
# The switch that turns authgate's Exim snippets on is the postinst's to
# write and the prerm's to delete, not a file of the package.
rm -r "$root/var/lib/authgate"
rmdir "$root/var/lib" "$root/var"
# What Debian policy asks of a package tree.
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$root/usr/bin/authgate" "$root"/usr/lib/exim4/local_scan/*.so
doc=$root/usr/share/doc/authgate
install -m 644 packaging/deb/copyright "$doc/copyright"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
	packaging/deb/changelog.in | gzip -9n >"$doc/changelog.Debian.gz"
chmod 644 "$doc/changelog.Debian.gz"
# Library dependencies as dpkg-shlibdeps finds them (it wants a
# debian/control to run in).
src=$build/deb/src
mkdir -p "$src/debian"
printf 'Source: authgate\n\nPackage: authgate\nArchitecture: any\n' >"$src/debian/control"
depends=$(cd "$src" && dpkg-shlibdeps -O "$(cd "$OLDPWD" && pwd)/$root/usr/bin/authgate" \
	"$(cd "$OLDPWD" && pwd)"/$root/usr/lib/exim4/local_scan/*.so 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "mkdeb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$depends, publicsuffix/" packaging/deb/control.in >"$root/DEBIAN/control"
install -m 755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"
(cd "$root" && find etc -type f | sed 's#^#/#' | sort) >"$root/DEBIAN/conffiles"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "built $deb"
if command -v lintian >/dev/null; then
	# --fail-on error: warnings are reported, errors fail.
	lintian --fail-on error --tag-display-limit 0 "$deb"
	echo "lintian: no errors"
fi
