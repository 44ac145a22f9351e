#!/usr/bin/env bash
# Install the system packages the project needs when they are missing (Debian 12, as root),
# or name them in a clear error. Usage: scripts/system-deps.sh [runtime|test]
set -euo pipefail
what=${1:-runtime}
need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
# WeasyPrint subsets fonts with HarfBuzz when it finds this library, else with fontTools:
# the PDFs' bytes would depend on which the machine has, so it is always installed.
have_lib 'libharfbuzz-subset.so.0' || need+=(libharfbuzz-subset0)
# fc-list's whole output is read before it is searched: `fc-list | grep -q` under pipefail read
# as missing whenever grep stopped at the first match and fc-list, still writing, got SIGPIPE.
have_dejavu() {
  local fonts
  command -v fc-list >/dev/null && fonts=$(fc-list : file 2>/dev/null) && grep -qi 'DejaVuSans' <<<"$fonts"
}
have_dejavu || need+=(fontconfig fonts-dejavu-core)
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
if [ "$what" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
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
