#!/usr/bin/env bash
# Installs the Debian 12 packages pressarchive needs to build, test and run.
# Skips apt entirely when everything is already there; uses sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache
  libtesseract-dev tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd
  libleptonica-dev libpoppler-cpp-dev libpoppler-private-dev libqpdf-dev libtbb-dev libsqlite3-dev libssl-dev
  libgtest-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libicu-dev libpqxx-dev libxml2-dev
  libre2-dev  # the date and postcode patterns (stages/metadata/byte_regex.h)
  sqlite3 poppler-utils time
  clang-format  # the formatting check (tools/check-format.sh, format_test)
  libcpp-httplib-dev  # the web page's embedded HTTP server (stages/web/server.cpp)
  chromium chromium-driver python3-selenium  # the browser test of the web page (tests/web/)
  postgresql  # the throwaway cluster of the PostgreSQL store tests (tools/pg-test-cluster.sh)
  groff ghostscript imagemagick  # renders the metadata evaluation sets (tools/make-eval-set.sh, bench/run.sh)
)
# Optional extras: set PRESSARCHIVE_EXTRA_PACKAGES="clang ..." to add more.
read -r -a EXTRA <<<"${PRESSARCHIVE_EXTRA_PACKAGES:-}"
PACKAGES+=("${EXTRA[@]}")

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
