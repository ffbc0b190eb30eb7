#!/usr/bin/env bash
# A tour of the `taskmaster` command line (pip install "taskmaster-sdk[cli]"): log in, import a
# CSV with a bad row, fix the failed-rows file and import it, list, export, clean up.
#
#   TASKMASTER_API_URL=http://127.0.0.1:8000 TASKMASTER_EMAIL=demo@example.com \
#   TASKMASTER_PASSWORD=demo-password bash examples/cli_tour.sh
#
# It keeps its login in a temporary config directory (TASKMASTER_CONFIG_DIR), so your own
# ~/.config/taskmaster is left alone, and deletes the project it made.
set -euo pipefail

work="$(mktemp -d "${TMPDIR:-/tmp}/taskmaster-cli-tour.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export TASKMASTER_CONFIG_DIR="$work/config"

step() { printf '\n== %s\n' "$*"; }

step "log in (email and password from TASKMASTER_EMAIL / TASKMASTER_PASSWORD)"
taskmaster login
taskmaster whoami

step "a project for the tour"
project="$(taskmaster projects add "CLI tour" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
echo "project $project"

step "import a CSV: the row without a title fails, the others are created"
cat >"$work/tasks.csv" <<'CSV'
title,priority,tags,due_at
Write the announcement,high,"launch,docs",2030-01-15T09:00:00Z
,low,,
Book the venue,urgent,launch,
CSV
status=0
taskmaster import "$work/tasks.csv" --project "$project" || status=$?
echo "exit status $status (11: some rows failed)"
echo "-- $work/tasks.failed.csv:"
cat "$work/tasks.failed.csv"

step "fix the failed row and import the failed-rows file as it is (the error column is ignored)"
sed 's/^,low,/Order the snacks,low,/' "$work/tasks.failed.csv" >"$work/fixed.csv"
taskmaster import "$work/fixed.csv" --project "$project"

step "the project's tasks, most urgent first"
taskmaster tasks list --project "$project" --sort=-priority

step "mark one done, then export the project as CSV"
# The reader takes every line: one that stops after the first makes the writer's next line
# fail with a broken pipe, and `set -o pipefail` fails the whole step (exit status 141).
first="$(taskmaster tasks list --project "$project" --sort title --json |
    python3 -c 'import json, sys; print(json.loads(sys.stdin.read().splitlines()[0])["id"])')"
taskmaster tasks done "$first"
taskmaster export --project "$project" --format csv --sort title

step "clean up"
taskmaster projects rm "$project" --yes
taskmaster logout
