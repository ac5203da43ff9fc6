#!/usr/bin/env bash
# Makes the local base images the project's images build on, from Debian's own packages, when the
# engine lacks them (no registry is needed):
#   rag/debian:bookworm   debootstrap's minimal Debian 12 (Qdrant's image)
#   rag/jre:17            that plus a Java 17 runtime and the CA bundle, user 185 (the services, Kafka)
# Production images use a registry base instead (-Drag.image.base=..., see k8s/README.md).
# Safe to run at once from several places: one build at a time, the others wait for it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEBIAN_IMAGE="${RAG_DEBIAN_IMAGE:-rag/debian:bookworm}"
JRE_IMAGE="${RAG_JRE_IMAGE:-rag/jre:17}"
MIRROR="${RAG_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOCK="${TMPDIR:-/tmp}/rag-base-image-$(id -u).lock"

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

docker info >/dev/null 2>&1 || {
  echo "no Docker engine answers: install one (apt-get install docker.io) and start it as the README says" >&2
  exit 1
}
# Nothing to do (and no lock to take) when both are there.
has_image "$DEBIAN_IMAGE" && has_image "$JRE_IMAGE" && exit 0
exec 9>"$LOCK"
flock 9
if ! has_image "$DEBIAN_IMAGE"; then
  command -v debootstrap >/dev/null || { echo "debootstrap is needed to make $DEBIAN_IMAGE: apt-get install debootstrap" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "debootstrap must run as root to make $DEBIAN_IMAGE (or load a base image of your own under that name)" >&2; exit 1; }
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  echo "Making $DEBIAN_IMAGE with debootstrap from $MIRROR (about a minute)..."
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; echo "debootstrap failed; see $root.log" >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$root" "$root.log"
  trap - EXIT
fi
if ! has_image "$JRE_IMAGE"; then
  echo "Making $JRE_IMAGE (a Java 17 runtime from Debian's packages)..."
  log=$(mktemp)
  if ! docker build --network host -q -t "$JRE_IMAGE" --build-arg BASE="$DEBIAN_IMAGE" "$HERE/jre" >/dev/null 2>"$log"; then
    grep -v -e 'legacy builder is deprecated' -e 'buildx component' -e 'docs.docker.com/go/buildx' -e '^ *$' "$log" >&2 || true
    rm -f "$log"
    echo "could not build $JRE_IMAGE" >&2
    exit 1
  fi
  rm -f "$log"
fi
