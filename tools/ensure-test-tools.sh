#!/usr/bin/env bash
# Runs before `npm test`: the suite drives real tools (promtool and a Prometheus server for the
# rule and canary-gate tests, yamllint, graphviz's dot for the plan's picture), which come from
# Debian's packages. Installs them when
# missing and this is a root shell with apt-get (CI, and the project's machines); anywhere else it
# says what to install, and the tests that need a missing tool fail rather than skip.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
[ ${#missing[@]} -eq 0 ] && exit 0

packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing test tools from Debian's packages: $packages"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
else
  echo "The test suite needs: $packages (Debian/Ubuntu: sudo apt-get install $packages)." >&2
  echo "Continuing: the tests that use them will fail." >&2
fi
