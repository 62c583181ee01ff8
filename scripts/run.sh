#!/usr/bin/env bash
# Set up everything on a fresh Debian machine with Python 3.11 and serve the app on http://127.0.0.1:5000:
# virtual environment, install, translations, database migrations, demo data, development server.
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

step "Serving Sopimuspolku on http://127.0.0.1:5000 (stop with Ctrl+C)"
exec "$VENV/bin/flask" run --host 127.0.0.1 --port 5000
