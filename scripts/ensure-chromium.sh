#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. In CI, install it when missing.
set -u
[ -x /usr/bin/chromium ] && exit 0
if [ "${CI:-}" = "true" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && exit 0
fi
exit 1
