#!/bin/sh
# Stages the root filesystem of the image: rootfs.sh BINARY CONTEXT
# CONTEXT/rootfs/ gets BINARY as /bin/netstat_exporter plus every shared library `ldd BINARY`
# resolves and the dynamic loader, each at the path ldd names (symlinks followed, so the file
# is there under its soname). Nothing else: no shell, no libc tools, no /etc.
set -eu
binary=$1
context=$2
rootfs=$context/rootfs
rm -rf "$rootfs"
mkdir -p "$rootfs/bin"
cp "$binary" "$rootfs/bin/netstat_exporter"
# ldd lines: "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)", "/lib64/ld-linux-x86-64.so.2 (0x…)",
# and "linux-vdso.so.1 (0x…)", which the kernel provides and has no file.
libraries=$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
if [ -z "$libraries" ]; then
    echo "rootfs.sh: ldd lists no libraries for $binary" >&2
    exit 1
fi
for library in $libraries; do
    mkdir -p "$rootfs$(dirname "$library")"
    cp -L "$library" "$rootfs$library"
done
cp "$(dirname "$0")/Containerfile" "$context/Containerfile"
