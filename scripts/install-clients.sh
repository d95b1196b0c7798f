#!/usr/bin/env bash
# Installs the programs some tests use to open the reports as people do:
# LibreOffice Writer (DOCX -> PDF), Chinese fonts (Noto CJK), poppler-utils
# (pdftotext, pdffonts) and Chromium (browser tests). Idempotent: installs
# only what is missing, and does nothing when everything is there.
# Without root or apt-get it says what to install and exits 0: the tests
# that need these programs then skip with the same advice.
# Usage: bash scripts/install-clients.sh
set -euo pipefail

missing=()
need() {  # need PACKAGE COMMAND-OR-PATH...: PACKAGE is missing unless one of them exists
  local package=$1
  shift
  for probe in "$@"; do
    if [ "${probe#/}" != "$probe" ]; then
      [ -e "$probe" ] && return 0
    elif command -v "$probe" >/dev/null 2>&1; then
      return 0
    fi
  done
  if command -v dpkg-query >/dev/null 2>&1 \
    && [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ]; then
    return 0
  fi
  missing+=("$package")
}

need libreoffice-writer-nogui soffice libreoffice
need fonts-noto-cjk /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
need poppler-utils pdftotext
need chromium chromium chromium-browser google-chrome google-chrome-stable  # any Chromium-based browser will do

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-clients: everything is installed (soffice, Noto CJK fonts, pdftotext, chromium)."
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-clients: no apt-get here; install these yourself: ${missing[*]}" >&2
  echo "install-clients: the tests that need them will skip." >&2
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-clients: not root; run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "install-clients: the tests that need them will skip." >&2
    exit 0
  fi
else
  SUDO=()
fi

echo "install-clients: installing ${missing[*]}"
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)  # sudo drops the environment: set it inside
if ! "${APT[@]}" update -qq \
  || ! "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
  # One package may be unknown here (Ubuntu has no chromium package, only a
  # snap; an older release no libreoffice-writer-nogui): install one by one.
  for package in "${missing[@]}"; do
    if "${APT[@]}" install -y -qq --no-install-recommends "$package"; then
      continue
    elif [ "$package" = libreoffice-writer-nogui ] \
      && "${APT[@]}" install -y -qq --no-install-recommends libreoffice-writer; then
      continue
    fi
    echo "install-clients: could not install $package; the tests that need it will skip." >&2
  done
fi
exit 0
