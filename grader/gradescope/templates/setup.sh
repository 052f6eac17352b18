#!/usr/bin/env bash
# setup.sh, written by `tp-ae gradescope-bundle` (template: grader/gradescope/templates/setup.sh).
# Gradescope runs it once, as root, when it builds the autograder image (Ubuntu, python3
# @PYTHON_VERSION@): installs into @VENV@ the packages of requirements.txt (resolved for Python
# @PYTHON_VERSION@, hash-checked), puts this bundle's tp_ae/ and grader/ on that environment's
# path, and creates the user that runs student code.
#
# For a trial run outside Gradescope (nothing of the system changed when all three are given):
# $@VENV_ENV@ (default @VENV@) is where the environment goes, $@PYTHON_ENV@ (default @PYTHON@) the
# Python it is made with, $@SANDBOX_USER_ENV@ (default @SANDBOX_USER@) the user that runs student
# code, created only when missing. apt-get runs only for what is missing: a Python that can
# make a venv, bubblewrap.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${@VENV_ENV@:-@VENV@}"
PYTHON="${@PYTHON_ENV@:-@PYTHON@}"  # the image's own Python: requirements.txt was resolved for it
USER_NAME="${@SANDBOX_USER_ENV@:-@SANDBOX_USER@}"
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

if ! "$PYTHON" -c 'import ensurepip, ssl, venv' >/dev/null 2>&1; then
    apt-get update
    apt-get install -y --no-install-recommends ca-certificates python3 python3-venv
fi

found="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$found" != "@PYTHON_VERSION@" ]; then
    echo "setup.sh: this image's python3 is $found but the bundle was resolved for" \
        "@PYTHON_VERSION@: rebuild it with tp-ae gradescope-bundle --python $found" >&2
    exit 1
fi
# bubblewrap: the grader's strongest sandbox where the image allows user namespaces; without it
# student code still runs as $USER_NAME (grader/isolation.py), so a failure here is no error
if ! command -v bwrap >/dev/null 2>&1; then
    { apt-get update && apt-get install -y --no-install-recommends bubblewrap; } ||
        echo "setup.sh: bubblewrap not installed: student code runs as $USER_NAME only" >&2
fi

"$PYTHON" -m venv "$VENV"
# every package pinned with its hashes: nothing else is downloaded, nothing is built
"$VENV/bin/python" -m pip install --no-cache-dir --require-hashes --only-binary :all: \
    -r "$SOURCE/requirements.txt"
# the grader's code is this bundle's: a .pth file puts $SOURCE on the environment's path
site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$SOURCE" > "$site/tp-ae-bundle.pth"

# Student code runs as $USER_NAME: it can read the grader, not change it or the results.
id -u "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home \
    --shell /usr/sbin/nologin "$USER_NAME"
chmod -R go-w "$SOURCE"

# Fail the image build now, not at the first submission, if anything is missing.
"$VENV/bin/python" -c "import grader.gradescope.runner, keras, tp_ae; print('tp-ae grader ready')"
