#!/bin/sh
# `make deb`: the Debian package prometheus-netstat-exporter_<debversion>_amd64.deb from a release
# build of the exporter, with dpkg-deb (no debhelper; the maintainer scripts carry what
# dh_installsystemd would generate).
#   packaging/debian/build.sh BINARY DEBVERSION OUTDIR
# DEBVERSION is the exporter's version and a Debian revision (0.1.0-1); the top entry of
# packaging/debian/changelog must name it, and BINARY must say it is that version.
set -eu
umask 022

binary=$1 debversion=$2 outdir=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
package=prometheus-netstat-exporter
version=${debversion%-*}

fail() { echo "make deb: $*" >&2; exit 1; }
[ -x "$binary" ] || fail "no executable $binary (make release builds it)"
"$binary" --version | grep -q "version $version " \
	|| fail "$binary is not version $version: $("$binary" --version)"
changelog_version=$(dpkg-parsechangelog -l "$here/changelog" -S Version)
[ "$changelog_version" = "$debversion" ] \
	|| fail "packaging/debian/changelog's top entry is $changelog_version, not $debversion: add an entry (dch -v $debversion)"
# Dates in the man page and file times in the archive come from the changelog (reproducible).
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$here/changelog" -S Timestamp)
export SOURCE_DATE_EPOCH

# dh's layout (debian/<package>/), which is where dpkg-shlibdeps expects the binary.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/debian/$package
mkdir -p "$stage/DEBIAN"

# The binary, stripped as dh_strip does, without the build's RUNPATH ($ORIGIN: the Swift
# runtime is linked statically, nothing is looked up beside the binary).
install -D -m 0755 "$binary" "$stage/usr/bin/$package"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/$package"
chrpath -d "$stage/usr/bin/$package" >/dev/null

install -D -m 0644 "$here/$package.service" "$stage/lib/systemd/system/$package.service"
install -D -m 0644 "$here/$package.socket" "$stage/lib/systemd/system/$package.socket"
install -D -m 0644 "$here/$package.default" "$stage/etc/default/$package"

# The man page: help2man on --help (and the FILES and SEE ALSO of the .h2m file), through a
# wrapper that gives the usage line the installed command's name.
mkdir -p "$work/bin" "$stage/usr/share/man/man1"
cat > "$work/bin/$package" <<WRAPPER
#!/bin/sh
"$stage/usr/bin/$package" "\$@" | sed 's/^usage: netstat_exporter/Usage: $package/'
WRAPPER
chmod 0755 "$work/bin/$package"
help2man --no-info --section=1 --version-string="$version" \
	--name="Prometheus exporter for what netstat shows" \
	--include="$here/$package.h2m" "$work/bin/$package" > "$work/$package.1"
# Left-aligned: justified, the long regex defaults cannot be filled (man --warnings complains).
sed -i '/^\.TH /a .ad l' "$work/$package.1"
gzip -9n < "$work/$package.1" > "$stage/usr/share/man/man1/$package.1.gz"

doc=$stage/usr/share/doc/$package
install -D -m 0644 "$here/copyright" "$doc/copyright"
mkdir -p "$doc"
gzip -9n < "$here/changelog" > "$doc/changelog.Debian.gz"
install -D -m 0644 "$root/dashboards/RUNBOOK.md" "$doc/examples/RUNBOOK.md"
install -D -m 0644 "$root/dashboards/prometheus/rules.yml" "$doc/examples/prometheus/rules.yml"
install -D -m 0644 "$root/dashboards/prometheus/thresholds.yml" "$doc/examples/prometheus/thresholds.yml"
mkdir -p "$doc/examples/grafana"
install -m 0644 "$root"/dashboards/grafana/*.json "$doc/examples/grafana/"
install -D -m 0644 "$root/packaging/web-config.example.yml" "$doc/examples/web-config.example.yml"

# Depends: adduser (postinst), procps (/bin/kill, the unit's ExecReload) and the shared
# libraries the binary needs, as dpkg-shlibdeps finds them from the installed packages' symbols
# files.
printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$package" "$package" > "$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e"debian/$package/usr/bin/$package" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || fail "dpkg-shlibdeps found no shared libraries"
size=$(du -s -k --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$debversion/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
	"$here/control" > "$stage/DEBIAN/control"
echo "/etc/default/$package" > "$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "$here/$script" "$stage/DEBIAN/$script"; done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs md5sum) \
	> "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
find "$stage" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$outdir"
deb=$outdir/${package}_${debversion}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
