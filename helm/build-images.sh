#!/usr/bin/env bash
# Builds lrsweep's worker image into the local podman store without any container registry: a Debian
# bookworm base made with debootstrap (cached as localhost/lrsweep-base:bookworm-rN), a Java runtime
# jlinked from the build's JDK, and the worker jar. The last line printed is the image reference.
#
#   helm/build-images.sh cpu             CPU image, tag <project version>
#   helm/build-images.sh gpu             CUDA 12.4 image (libtorch for CUDA baked in, 2.4 GB), tag <version>-cu124
#   helm/build-images.sh gpu --dry-run   resolve the GPU build's inputs (base, JDK, jar, CUDA natives) only
#   helm/build-images.sh --version       the project version = the chart's default image tag
#
# Environment: LRSWEEP_IMAGE_REPOSITORY (default localhost/lrsweep-worker), LRSWEEP_BASE_IMAGE (use
# another base from the local store), LRSWEEP_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# LRSWEEP_JAR (a prebuilt jar of the right flavour), CONTAINERS_CONF (default helm/images/containers.conf).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

say() { echo "build-images: $*" >&2; }
die() { say "$*"; exit 1; }

# The first <version> of the parent POM is the project's.
project_version() { sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1; }
pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -1; }

usage() {
  sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'
}

flavour=""
dry_run=false
for arg in "$@"; do
  case "$arg" in
    --version) project_version; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    cpu|gpu) flavour="$arg" ;;
    --dry-run) dry_run=true ;;
    *) usage >&2; die "unknown argument '$arg': expected cpu, gpu, --dry-run or --version" ;;
  esac
done
[ -n "$flavour" ] || { usage >&2; die "say which image: cpu or gpu"; }

version="$(project_version)"
[ -n "$version" ] || die "could not read the project version from $root/pom.xml"
repository="${LRSWEEP_IMAGE_REPOSITORY:-localhost/lrsweep-worker}"
# Bump when the base's contents change, so that a cached base of the old kind is not reused.
base_revision=2
base="${LRSWEEP_BASE_IMAGE:-localhost/lrsweep-base:bookworm-r$base_revision}"
# Fonts: the report's figures (JFreeChart, headless AWT) need fontconfig and one font family.
base_packages=libfontconfig1,fonts-dejavu-core
mirror="${LRSWEEP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ "$flavour" = gpu ]; then
  tag="$version-cu124"; natives=cu124; profile=(-Pgpu); nvidia=all
else
  tag="$version"; natives=cpu; profile=(); nvidia=void
fi
ref="$repository:$tag"
jar="${LRSWEEP_JAR:-$root/workers/target/lrsweep.jar}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/images/containers.conf}"

# shellcheck source=../.ci/find-jdk.sh
source "$root/.ci/find-jdk.sh"
JAVA_HOME="$(lrsweep_find_jdk)" || die "a JDK >= 21 is needed (its jlink makes the image's Java runtime)"
export JAVA_HOME

# Which libtorch a jar carries (cpu or cu124), from the natives' own description.
jar_natives() { unzip -p "$1" native/lib/pytorch.properties 2>/dev/null | sed -n 's/^flavor=//p'; }

jar_is_current() {
  [ -f "$jar" ] || return 1
  [ "$(jar_natives "$jar")" = "$natives" ] || return 1
  [ -n "${LRSWEEP_JAR:-}" ] && return 0
  [ -z "$(find "$root" -path "$root/.lrsweep" -prune -o -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' \
      -o -path '*/src/main/*' \) -newer "$jar" -print -quit)" ]
}

base_exists() { podman image exists "$base" 2>/dev/null; }

if $dry_run; then
  status=0
  echo "inputs of the $flavour image $ref:"
  if command -v podman >/dev/null; then echo "  podman:  $(podman --version)"; else echo "  podman:  MISSING (apt-get install podman runc)"; status=1; fi
  if base_exists; then echo "  base:    $base (in the local store)"
  elif command -v debootstrap >/dev/null; then echo "  base:    $base, to be made with $(command -v debootstrap) from $mirror"
  else echo "  base:    MISSING ($base is not in the store and debootstrap is not installed)"; status=1; fi
  echo "  java:    jlink of $JAVA_HOME ($("$JAVA_HOME/bin/java" -version 2>&1 | head -1))"
  if jar_is_current; then echo "  jar:     $jar ($natives natives, $(du -h "$jar" | cut -f1))"
  else echo "  jar:     to be built: mvn -B -q -DskipTests ${profile[*]:-} -pl workers -am package"; fi
  libtorch="$(pom_property libtorch.version)"; djl="$(pom_property djl.version)"
  for artifact in "pytorch-native-$natives/$libtorch/pytorch-native-$natives-$libtorch-linux-x86_64.jar" \
                  "pytorch-jni/$libtorch-$djl/pytorch-jni-$libtorch-$djl.jar"; do
    local_copy="${HOME}/.m2/repository/ai/djl/pytorch/$artifact"
    if [ -f "$local_copy" ]; then
      echo "  natives: $local_copy ($(du -h "$local_copy" | cut -f1), in the Maven cache)"
    else
      url="https://repo.maven.apache.org/maven2/ai/djl/pytorch/$artifact"
      size="$(curl -sfIL "$url" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: //p' | tail -1)"
      if [ -n "$size" ]; then echo "  natives: $url ($((size / 1024 / 1024)) MiB, on Maven Central)"
      else echo "  natives: MISSING: $url does not resolve"; status=1; fi
    fi
  done
  echo "$ref"
  exit $status
fi

command -v podman >/dev/null || die "podman is not installed (Debian: apt-get install podman runc; .ci/run does it)"
command -v unzip >/dev/null || die "unzip is needed to check the jar's natives (apt-get install unzip)"
started=$(date +%s)

if ! jar_is_current; then
  [ -z "${LRSWEEP_JAR:-}" ] || die "LRSWEEP_JAR=$jar is missing or carries '$(jar_natives "$jar")' natives, not $natives"
  say "building $jar (${profile[*]:-cpu}) …"
  (cd "$root" && mvn -B -q -ntp -DskipTests "${profile[@]}" -pl workers -am package) >&2
  [ "$(jar_natives "$jar")" = "$natives" ] || die "the build did not produce a jar with $natives natives"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/lrsweep-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if ! base_exists; then
  command -v debootstrap >/dev/null || die "$base is not in the local store and debootstrap is not installed" \
      "(apt-get install debootstrap), or set LRSWEEP_BASE_IMAGE to a Debian-based image you have"
  [ "$(id -u)" = 0 ] || die "debootstrap needs root to make $base once; run this as root (or with sudo) the first time"
  say "making $base with debootstrap from $mirror (once; ~1 min) …"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase --include="$base_packages" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  # What a runtime image never needs: package caches, documentation, locales.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
      "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  # The image's user (numeric 10001, as the chart's podSecurity) and the folders it writes to.
  echo "lrsweep:x:10001:10001:lrsweep worker:/tmp:/usr/sbin/nologin" >>"$rootfs/etc/passwd"
  echo "lrsweep:x:10001:" >>"$rootfs/etc/group"
  mkdir -p "$rootfs/var/cache/djl" && chown 10001:10001 "$rootfs/var/cache/djl"
  tar --numeric-owner -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
fi

# A runtime with just the modules the jar needs (jdeps), the zip file system, the Vector API, and the
# elliptic-curve provider that TLS to S3 endpoints uses (a service, which jdeps does not see).
say "jlink from $JAVA_HOME …"
modules="$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 21 "$jar" 2>/dev/null | tail -1)"
[ -n "$modules" ] || die "jdeps found no modules in $jar"
# jdk.incubator.vector: the SI MLP's vector kernel; the image's entrypoint adds it (--add-modules).
extra=jdk.zipfs,jdk.incubator.vector
"$JAVA_HOME/bin/java" --list-modules | grep -q '^jdk.crypto.ec@' && extra="$extra,jdk.crypto.ec"
"$JAVA_HOME/bin/jlink" --add-modules "$modules,$extra" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$work/context/runtime"
ln "$jar" "$work/context/lrsweep.jar" 2>/dev/null || cp "$jar" "$work/context/lrsweep.jar"
cp "$here/images/Containerfile" "$work/context/Containerfile"

say "podman build $ref …"
podman build --pull=never --quiet -f "$work/context/Containerfile" --build-arg "BASE=$base" \
    --build-arg "VERSION=$version" --build-arg "FLAVOUR=$flavour" --build-arg "NVIDIA_VISIBLE=$nvidia" \
    -t "$ref" "$work/context" >/dev/null
size="$(podman image inspect --format '{{.Size}}' "$ref")"
say "built $ref in $(( $(date +%s) - started )) s: $((size / 1024 / 1024)) MiB (base $(( $(podman image inspect --format '{{.Size}}' "$base") / 1024 / 1024 )) MiB, Java runtime $(du -sm "$work/context/runtime" | cut -f1) MiB, jar $(du -m "$jar" | cut -f1) MiB)"
echo "$ref"
