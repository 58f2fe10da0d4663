#!/usr/bin/env bash
# Contract fuzzing: schemathesis against the server built by the test run, with an admin token,
# over every operation of /api-docs/openapi.json, positive and negative data.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CR_BIN:-target/debug/consignee-registry}
VENV=${CR_VENV:-target/ci-venv}
EXAMPLES=${ST_MAX_EXAMPLES:-40}

missing=""
[ -x "$BIN" ] || missing="$missing $BIN (run cargo build first)"
command -v openssl >/dev/null || missing="$missing openssl"
[ -x "$VENV/bin/st" ] || missing="$missing schemathesis (python3 -m venv $VENV && $VENV/bin/pip install -r .ci/requirements.txt)"
if [ -n "$missing" ]; then
  echo "schemathesis: missing:$missing"
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "skipped"; exit 0
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# ST_DATABASE_URL runs the server on PostgreSQL (an empty database); SQLite by default.
export DATABASE_URL="${ST_DATABASE_URL:-sqlite://$work/fuzz.db}" CR_DATA_DIR="$work/data" CR_BIND="127.0.0.1:$port" \
  CR_JWT_SECRET="schemathesis-secret-0123456789abcdefghij" CR_LOG=warn
# PostgreSQL needs a configured checkpoint signing key (on SQLite the server generates one).
if [ -n "${ST_DATABASE_URL:-}" ]; then
  (umask 077 && openssl genpkey -algorithm ed25519 -out "$work/audit-signing-key.pem" 2>/dev/null)
  export CR_AUDIT_SIGNING_KEY_FILE="$work/audit-signing-key.pem"
fi
"$BIN" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not start"; cat "$work/server.log"; exit 1; }
token=$("$BIN" token --sub schemathesis --role admin --ttl 2h 2>/dev/null)

# A fresh Idempotency-Key per generated request (see the hooks module).
export PYTHONPATH="$PWD/.ci${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks
"$VENV/bin/st" --config-file .ci/schemathesis.toml run "http://127.0.0.1:$port/api-docs/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --mode all \
  --max-examples "$EXAMPLES" \
  --seed "${ST_SEED:-20261127}" \
  --generation-database none \
  --request-timeout 10 \
  --workers 1 \
  --no-color \
  --report junit --report-dir "target/schemathesis/${ST_REPORT:-sqlite}" \
  "$@" || { echo "--- server log (last 40 lines)"; tail -n 40 "$work/server.log"; exit 1; }
