# Sourced by ./lrsweep and .ci/run: prints the home of a JDK >= 21, or explains what is missing.
lrsweep_jdk_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}
lrsweep_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do [ -d "$c" ] && candidates+=("$c"); done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major="$(lrsweep_jdk_major "$c")"
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  echo "lrsweep: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*; need java and javac)." >&2
  echo "  Debian 13: apt-get install openjdk-21-jdk-headless; elsewhere install a JDK >= 21 and set JAVA_HOME." >&2
  return 1
}
