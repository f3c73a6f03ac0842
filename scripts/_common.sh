# Shared by scripts/serve and scripts/check: find or install uv, then the locked environment.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v uv >/dev/null 2>&1; then
  UV=(uv)
else
  UV=(python3 -m uv)
fi

ensure_environment() {
  if ! "${UV[@]}" --version >/dev/null 2>&1; then
    echo "==> installing uv (the Python package manager this project locks with)"
    python3 -m pip install --quiet --disable-pip-version-check uv
  fi
  echo "==> installing Python packages from uv.lock"
  "${UV[@]}" sync --frozen --quiet
  scripts/vendor-assets
}
