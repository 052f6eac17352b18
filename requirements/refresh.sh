#!/usr/bin/env bash
# Refresh the lock file that .ci/run installs: requirements/lock-py311.txt (py312 for 3.12 ...), every
# package of tp-ae's dependencies and its [dev] extra pinned with all its hashes, for Linux
# x86-64 (manylinux_2_28) and Python $PYTHON_VERSION (default 3.11).
#
#   bash requirements/refresh.sh             # after editing pyproject.toml: keeps the current pins
#                                            # that still fit, resolves only what changed
#   bash requirements/refresh.sh --upgrade   # newest versions pyproject.toml allows
#   PYTHON_VERSION=3.12 bash requirements/refresh.sh   # a lock for another Python
#
# Needs uv (pip install uv) and PyPI. Extra arguments go to `uv pip compile`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON_VERSION="${PYTHON_VERSION:-3.11}"
if command -v uv >/dev/null 2>&1; then
    UV=(uv)
elif python3 -c "import uv" 2>/dev/null; then
    UV=(python3 -m uv)
else
    echo "refresh.sh: needs uv: pip install uv" >&2
    exit 1
fi
"${UV[@]}" pip compile pyproject.toml --extra dev \
    --python-version "$PYTHON_VERSION" --python-platform x86_64-manylinux_2_28 \
    --only-binary :all: --generate-hashes \
    --custom-compile-command "bash requirements/refresh.sh" \
    --output-file "requirements/lock-py${PYTHON_VERSION//./}.txt" "$@"
