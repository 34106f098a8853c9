#!/usr/bin/env bash
# Set up a virtual environment (.venv) and run the dashboard or the tests.
#   scripts/dev.sh run    -> install requirements and start the dashboard on the committed data
#   scripts/dev.sh test   -> install requirements + test tools (and Chromium + nginx for browser tests, where apt is available) and run every test
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
case "${1:-}" in
  run)
    pip install --quiet --disable-pip-version-check -r requirements.txt
    exec python -m peer_challenges.app.serve --server.headless true "${@:2}"
    ;;
  test)
    pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    # browser tests need Chromium; the replica test (tests/browser/test_replicas.py) also needs nginx
    have_nginx() { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }
    if { [ ! -x /usr/bin/chromium ] || ! have_nginx; } && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-color-emoji nginx-light) >/dev/null \
        || echo "warning: could not install chromium / nginx; browser tests will be skipped" >&2
    fi
    lint-imports
    exec python -m pytest "${@:2}"
    ;;
  *)
    echo "usage: scripts/dev.sh run|test [args]" >&2
    exit 2
    ;;
esac
