#!/usr/bin/env bash
# Builds the project's images into the local Docker engine (what `./mvnw -Pimages package` and
# `./rag up --containers` call).
#
#   k8s/images/build.sh [options] TARGET...
#     TARGET      ingest-service embed-service retrieve-service generate-service rag-cli kafka qdrant,
#                 services (the four), local (kafka and qdrant), all (services and local), base,
#                 embed-gpu-base (CUDA 12 + cuDNN 9 + Java 17, the GPU embed-service's base)
#     --cuda-base IMAGE  the CUDA image embed-gpu-base starts from (default
#                   nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04; needs a registry that serves it)
#     --registry R  image names are R/NAME:TAG (default: rag)
#     --tag T       (default: local)
#     --base IMAGE  base of the Java images (default: rag/jre:17, made here from Debian's packages
#                   by base/build.sh; give a registry image such as
#                   registry.access.redhat.com/ubi9/openjdk-17-runtime:1.21 for production)
#     --push true   push each image after building it (to the registry R names)
#     --if-stale    build only images missing or older than what they are built from
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
registry=rag tag=local base="" push=0 if_stale=0 targets=() cuda_base=nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
while [ $# -gt 0 ]; do
  # (--name=value is --name value)
  case "$1" in --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}" ;; esac
  case "$1" in
    --registry) registry=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --push) [ "$2" = true ] && push=1; shift 2 ;;
    --cuda-base) cuda_base=$2; shift 2 ;;
    --if-stale) if_stale=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || { sed -n '2,20p' "$0" >&2; exit 2; }
SERVICES=(ingest-service embed-service retrieve-service generate-service)
expanded=()
for t in "${targets[@]}"; do
  case "$t" in
    services) expanded+=("${SERVICES[@]}") ;;
    local) expanded+=(kafka qdrant) ;;
    all) expanded+=("${SERVICES[@]}" kafka qdrant) ;;
    base|embed-gpu-base|kafka|qdrant|rag-cli|ingest-service|embed-service|retrieve-service|generate-service) expanded+=("$t") ;;
    *) echo "unknown image $t (see --help)" >&2; exit 2 ;;
  esac
done

docker info >/dev/null 2>&1 || {
  echo "no Docker engine answers. Install one (Debian: apt-get install docker.io) and start it with" >&2
  echo "  dockerd --bridge=none --iptables=false --ip-forward=false &   (host networking only; see README)" >&2
  exit 1
}
local_base=0
if [ -z "$base" ]; then
  base=rag/jre:17
  local_base=1
fi
ensure_base() { [ "$local_base" = 0 ] || "$HERE/base/build.sh"; }

# A fingerprint of what an image is built from: its context's files (names, sizes, times), its
# Dockerfile and its base. An image whose label matches is up to date.
fingerprint() {
  local context=$1 dockerfile=$2 base_id
  base_id=$(docker image inspect -f '{{.Id}}' "$3" 2>/dev/null || echo "$3")
  { (cd "$context" && find -L . -type f -printf '%P %s %T@\n' | LC_ALL=C sort); cat "$dockerfile"; echo "$base_id"; } \
    | sha256sum | cut -d' ' -f1
}

# build NAME CONTEXT DOCKERFILE BASE
build() {
  local name=$1 context=$2 dockerfile=$3 from=$4 image="$registry/$1:$tag" sum
  sum=$(fingerprint "$context" "$dockerfile" "$from")
  if [ "$if_stale" = 1 ] && [ "$(docker image inspect -f '{{index .Config.Labels "dev.rag.built-from"}}' "$image" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  echo "Building $image"
  local previous
  previous=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  # (the classic builder's notice that BuildKit exists is left out of its output; errors are not)
  local log
  log=$(mktemp)
  if ! docker build --network host -q -f "$dockerfile" --build-arg BASE="$from" \
    --label dev.rag.built-from="$sum" -t "$image" "$context" >/dev/null 2>"$log"; then
    grep -v -e 'legacy builder is deprecated' -e 'buildx component' -e 'docs.docker.com/go/buildx' -e '^ *$' "$log" >&2 || true
    rm -f "$log"
    echo "could not build $image" >&2
    exit 1
  fi
  rm -f "$log"
  # The image this one replaces, now nameless, is removed (unless a container still uses it), so
  # that rebuilding does not fill the engine's disk.
  if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then
    docker image rm "$previous" >/dev/null 2>&1 || true
  fi
  [ "$push" = 0 ] || docker push -q "$image"
}

ctx=""
trap '[ -z "$ctx" ] || rm -rf "$ctx"' EXIT
for t in "${expanded[@]}"; do
  case "$t" in
    base) "$HERE/base/build.sh" ;;
    embed-gpu-base)
      echo "Building $registry/embed-gpu-base:$tag from $cuda_base"
      docker build --network host -q --build-arg CUDA_BASE="$cuda_base" -t "$registry/embed-gpu-base:$tag" \
        "$HERE/embed-gpu-base" >/dev/null || { echo "could not build $registry/embed-gpu-base:$tag" >&2; exit 1; }
      [ "$push" = 0 ] || docker push -q "$registry/embed-gpu-base:$tag" ;;
    kafka)
      [ -d "$ROOT/local-stack/target/kafka/libs" ] \
        || { echo "no Kafka jars: build them first (./mvnw package -pl local-stack -DskipTests)" >&2; exit 1; }
      ensure_base
      ctx=$(mktemp -d)
      cp -rp "$ROOT/local-stack/target/kafka/libs" "$ROOT/local-stack/target/kafka/config" "$HERE/kafka/start-kafka.sh" "$ctx/"
      build kafka "$ctx" "$HERE/kafka/Dockerfile" "$base"
      rm -rf "$ctx" ;;
    qdrant)
      "$HERE/base/build.sh"
      bin=$("$ROOT/rag" qdrant-binary)
      ctx=$(mktemp -d)
      cp -p "$bin" "$ctx/qdrant"
      build qdrant "$ctx" "$HERE/qdrant/Dockerfile" rag/debian:bookworm
      rm -rf "$ctx" ;;
    *)
      app="$ROOT/$t/target/quarkus-app"
      [ -f "$app/quarkus-run.jar" ] \
        || { echo "no $app: build it first (./mvnw package -pl $t -am -DskipTests)" >&2; exit 1; }
      ensure_base
      build "$t" "$app" "$HERE/service/Dockerfile" "$base" ;;
  esac
done
