#!/usr/bin/env bash
# Install what the tests need and run all of them:
#   ruff (lint and format), lint-imports (the tiers between packages), the whole pytest suite on SQLite
#   including the Playwright browser tests and the migration round trip, and side by side with it the suite
#   on a fresh PostgreSQL database.
# Every stage runs even when an earlier one fails; the exit status is non-zero when any failed. At the end
# a table gives each stage's wall time and the whole run's.
# With CI=true an unusable PostgreSQL or Chromium is a failure; elsewhere those parts are skipped with a warning.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh

# The SQLite run must be on SQLite; the PostgreSQL run makes its own fresh database.
unset TEST_DATABASE_URL
IN_CI=false
[ "${CI:-}" = true ] && IN_CI=true
FAILED=()

# Each stage's wall time, one "label<TAB>result<TAB>seconds" line per stage; the PostgreSQL run, in a
# subshell, writes its line here too.
TIMES=$(mktemp)
STARTED=$EPOCHREALTIME

# Seconds since a moment taken from $EPOCHREALTIME, with one decimal.
seconds_since() {
    local start=${1//[!0-9]/} now=${EPOCHREALTIME//[!0-9]/}
    local tenths=$(((now - start) / 100000))
    printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

# Run one stage, timed; remember a failure and carry on, so a single run reports every problem.
stage() {
    local label=$1 name=$2
    shift 2
    step "$name"
    local status=0 start=$EPOCHREALTIME result=passed
    "$@" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAILED: $name (exit status $status)" >&2
        FAILED+=("$name")
        result=failed
    fi
    printf '%s\t%s\t%s\n' "$label" "$result" "$(seconds_since "$start")" >>"$TIMES"
}

# The table of stage times: each pytest stage's own (serial) time, then the whole run's.
print_times() {
    local label result seconds
    step "Wall time per stage (the SQLite and PostgreSQL runs overlap, one per core)"
    printf '  %-26s %-8s %9s\n' stage result seconds
    for label in "lint" "pytest on SQLite" "pytest on PostgreSQL"; do
        if IFS=$'\t' read -r _ result seconds < <(grep -F "$label"$'\t' "$TIMES"); then
            printf '  %-26s %-8s %9s\n' "$label" "$result" "$seconds"
        else
            printf '  %-26s %-8s %9s\n' "$label" "not run" "-"
        fi
    done
    printf '  %-26s %-8s %9s\n' "total (setup included)" "" "$(seconds_since "$STARTED")"
    rm -f "$TIMES"
}

# A problem that CI must not skip past: a failure when CI=true, a warning elsewhere.
required_in_ci() {
    if [ "$IN_CI" = true ]; then
        echo "ERROR: $* (CI=true, so this is a failure, not a skip)" >&2
        FAILED+=("$1")
    else
        echo "WARNING: $*" >&2
    fi
}

# pytest, where "no tests ran" (exit status 5) fails like any other non-zero status.
run_pytest() {
    local status=0
    "$VENV/bin/pytest" "$@" || status=$?
    if [ "$status" -eq 5 ]; then
        echo "pytest collected no tests: that is a failure" >&2
    fi
    return "$status"
}

ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then
        step "Using Debian's chromium: $(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')"
        return 0
    fi
    step "Installing Debian's chromium for the browser tests"
    apt_install chromium || required_in_ci "chromium could not be installed; the browser tests will not run"
}

ensure_libreoffice() {
    if command -v soffice >/dev/null 2>&1; then
        step "Using LibreOffice for the PDF tests: $(command -v soffice)"
        return 0
    fi
    step "Installing Debian's libreoffice-writer-nogui for the PDF tests"
    apt_install libreoffice-writer-nogui || required_in_ci "LibreOffice could not be installed; the PDF tests will not run"
}

lint() {
    "$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check . && "$VENV/bin/lint-imports"
}

postgres_stage() {
    step "Checking PostgreSQL"
    if ! "$VENV/bin/python" scripts/pg_test_db.py check; then
        required_in_ci "PostgreSQL is unreachable; skipping the PostgreSQL run (set PG_ADMIN_URL to use another server)"
        return 0
    fi
    local url
    url=$("$VENV/bin/python" scripts/pg_test_db.py create)
    PG_TEST_DB=${url##*/}
    trap drop_pg_test_db EXIT
    echo "Created the throwaway database $PG_TEST_DB"
    export TEST_DATABASE_URL=$url
    stage "pytest on PostgreSQL" "Tests on PostgreSQL (without the browser tests, which ran on SQLite)" \
        run_pytest -m "not browser"
    unset TEST_DATABASE_URL
    drop_pg_test_db
}

drop_pg_test_db() {
    if [ -n "${PG_TEST_DB:-}" ]; then
        "$VENV/bin/python" scripts/pg_test_db.py drop "$PG_TEST_DB" && echo "Dropped the database $PG_TEST_DB"
        PG_TEST_DB=
    fi
}

ensure_venv
install_project "[test]"
ensure_chromium
ensure_libreoffice
compile_translations

stage "lint" "Lint, format and tier check (ruff, lint-imports)" lint
# The SQLite and PostgreSQL runs share nothing, so they run side by side, one per core; the PostgreSQL
# run's output is shown after the SQLite run's, and its failures count the same.
PG_LOG=$(mktemp)
(
    FAILED=()
    postgres_stage
    [ "${#FAILED[@]}" -eq 0 ]
) >"$PG_LOG" 2>&1 &
PG_PID=$!
stage "pytest on SQLite" "Tests on SQLite (whole suite: browser tests and migration round trip included)" run_pytest
PG_STATUS=0
wait "$PG_PID" || PG_STATUS=$?
cat "$PG_LOG"
rm -f "$PG_LOG"
[ "$PG_STATUS" -eq 0 ] || FAILED+=("Tests on PostgreSQL (see its output above)")

print_times
echo
if [ "${#FAILED[@]}" -gt 0 ]; then
    printf 'FAILED stages:\n' >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
echo "All test stages passed."
