#!/usr/bin/env bash
# Builds the Debian bookworm root filesystem every sandbox image starts FROM (no registry needed).
# Usage: rootfs.sh TARGET_DIR MIRROR_URL [SECURITY_MIRROR_URL]
# The setup hashes this file: any change here rebuilds sandbox/base:bookworm.
set -euo pipefail
target=$1
mirror=$2
security=${3:-}

debootstrap --variant=minbase --include=ca-certificates bookworm "$target" "$mirror"

{
  echo "deb $mirror bookworm main"
  echo "deb $mirror bookworm-updates main"
  if [ -n "$security" ]; then echo "deb $security bookworm-security main"; fi
} > "$target/etc/apt/sources.list"

# Keep later `apt-get install` layers small too: no docs, man pages, locales or recommends.
mkdir -p "$target/etc/dpkg/dpkg.cfg.d" "$target/etc/apt/apt.conf.d"
cat > "$target/etc/dpkg/dpkg.cfg.d/01-sandbox-trim" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
cat > "$target/etc/apt/apt.conf.d/01-sandbox-slim" <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
CFG

rm -rf "$target"/var/lib/apt/lists/* "$target"/var/cache/apt/*.bin "$target"/var/cache/apt/archives/*.deb \
  "$target"/usr/share/doc/* "$target"/usr/share/man/* "$target"/usr/share/info/* "$target"/var/log/*.log
find "$target/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
