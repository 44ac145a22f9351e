#!/usr/bin/env bash
# Install the system packages the project needs when they are missing (Debian 12, as root),
# or name them in a clear error. Usage: scripts/system-deps.sh [runtime|test]
set -euo pipefail
what=${1:-runtime}
need=()
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
if [ "$what" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
  command -v pdftotext >/dev/null || need+=(poppler-utils)  # the PDFs' text, in tests
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "Cần cài gói hệ thống / missing system packages: ${need[*]}" >&2
if [ "$(id -u)" != 0 ]; then
  echo "Hãy chạy với quyền root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
