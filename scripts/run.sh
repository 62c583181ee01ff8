#!/usr/bin/env bash
# Set up everything on a fresh Debian machine with Python 3.11 and serve the app on http://127.0.0.1:5000:
# virtual environment, install, translations, database migrations, demo data, scheduler, development server.
# Safe to run again: every step skips or repeats harmlessly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/common.sh

ensure_venv
install_project ""
compile_translations

mkdir -p instance
step "Migrating the database (${DATABASE_URL:-SQLite file instance/dev.sqlite3})"
"$VENV/bin/flask" db upgrade

step "Loading the shipped agreement templates"
"$VENV/bin/flask" templates sync

step "Creating the demo data"
"$VENV/bin/flask" demo seed

# The scheduler (reminders, mail delivery) runs beside the web server and stops with it. A scheduler left
# over from an earlier run only makes this one wait as a standby, so starting again is harmless.
step "Starting the scheduler in the background (its log: instance/scheduler.log)"
"$VENV/bin/flask" scheduler run >>instance/scheduler.log 2>&1 &
SCHEDULER_PID=$!
trap 'kill "$SCHEDULER_PID" 2>/dev/null || true; wait "$SCHEDULER_PID" 2>/dev/null || true' EXIT

step "Serving Sopimuspolku on http://127.0.0.1:5000 (stop both with Ctrl+C)"
"$VENV/bin/flask" run --host 127.0.0.1 --port 5000
