# Helpers shared by scripts/run.sh and scripts/test.sh; sourced, not run.
# Expects to be sourced from the repository root with `set -euo pipefail` already on.

VENV=.venv
export FLASK_APP=agreements

step() {
    printf '\n==> %s\n' "$*"
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

APT_UPDATED=
apt_install() {
    if [ -z "$APT_UPDATED" ]; then
        as_root apt-get update -q
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# The Python to build the venv with: $PYTHON, else python3.11, else python3; it must be 3.11 or newer.
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
            if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
                echo "$candidate"
                return 0
            fi
        fi
    done
    echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

# Create .venv when it is missing; Debian ships the venv module in a separate package.
ensure_venv() {
    if [ -x "$VENV/bin/python" ]; then
        step "Using the existing virtual environment $VENV"
        return 0
    fi
    local python
    python=$(find_python)
    if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        step "Installing Debian's python3-venv (the venv module is missing)"
        apt_install python3-venv
    fi
    step "Creating the virtual environment $VENV with $python"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
}

# Install the project (and the given extras, e.g. "[test]") into the venv in editable mode.
install_project() {
    step "Installing the application${1:+ with $1} into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".$1"
}

# Compile the .po catalogs to .mo files, when there are any.
compile_translations() {
    if compgen -G "agreements/translations/*/LC_MESSAGES/*.po" >/dev/null; then
        step "Compiling translations"
        "$VENV/bin/pybabel" compile -d agreements/translations
    else
        step "No translation catalogs yet; the interface will show the English source texts"
    fi
}
