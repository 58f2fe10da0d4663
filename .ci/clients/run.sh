#!/usr/bin/env bash
# Generated clients: builds a Python client (openapi-python-client) and TypeScript types
# (openapi-typescript) from the committed OpenAPI document, failing on any warning either
# generator prints; then starts the server on a free port with its own SQLite database and
# drives the generated Python client through create -> get -> list -> update (drive.py), with a
# webhook receiver that verifies every delivery with the Standard Webhooks libraries (Python and Node).
# Called by CI as `bash .ci/clients/run.sh`. Output goes to target/clients/.
# Env: CR_BIN (default target/debug/consignee-registry), DOC (default openapi/openapi.json),
#      CI=true makes missing prerequisites a failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=.ci/clients
bin=${CR_BIN:-target/debug/consignee-registry}
[[ $bin == /* ]] || bin=$PWD/$bin
doc=${DOC:-openapi/openapi.json}
venv=target/clients-venv
out=target/clients

missing=()
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=("python3 with venv")
command -v node >/dev/null || missing+=(node)
command -v npm >/dev/null || missing+=(npm)
command -v curl >/dev/null || missing+=(curl)
[[ -f $doc ]] || missing+=("OpenAPI document $doc")
[[ -x $bin ]] || missing+=("server binary $bin (cargo build)")
if ((${#missing[@]})); then
  if [[ ${CI:-} == true ]]; then
    echo "generated clients: missing prerequisites: ${missing[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "skipped: ${missing[*]}"
  exit 0
fi

# Tools, reinstalled whenever their pins change (a copy of the pin file marks what is installed).
if ! cmp -s $here/requirements.txt $venv/requirements.txt; then
  python3 -m venv --clear $venv
  PIP_DISABLE_PIP_VERSION_CHECK=1 $venv/bin/pip install -q -r $here/requirements.txt
  cp $here/requirements.txt $venv/requirements.txt
fi
if ! cmp -s $here/package-lock.json $here/node_modules/.ci-package-lock.json; then
  (cd $here && npm ci --silent)
  cp $here/package-lock.json $here/node_modules/.ci-package-lock.json
fi
export PATH=$PWD/$venv/bin:$PATH # openapi-python-client formats its output with the venv's ruff

dir=$(mktemp -d)
pid=
finish() {
  local rc=$?
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if ((rc != 0)); then
    if [[ -s $dir/server.log ]]; then
      echo "--- server log (last 30 lines) ---" >&2
      tail -n 30 "$dir/server.log" >&2
    fi
    echo "0 passed, 1 failed"
  fi
  rm -rf "$dir"
}
trap finish EXIT

# generate NAME CLEAN COMMAND...: runs a generator and keeps what it prints in $out/NAME.log.
# Fails when the generator exits non-zero, when a line matches a warning/error marker, or when
# any line is not one of the lines a clean run prints (regex CLEAN) -- so a warning fails in
# whatever words it comes.
passed=0 failed=0
generate() {
  local name=$1 clean=$2 log=$out/$1.log rc=0
  shift 2
  NO_COLOR=1 "$@" >"$log" 2>&1 || rc=$?
  sed -i 's/\x1b\[[0-9;]*m//g' "$log" # no colour codes, should a tool print them anyway
  local odd
  odd=$({ grep -iE 'warn|⚠|✘|error|skipping' "$log" || true; grep -vE "^$|$clean" "$log" || true; } | sort -u)
  if ((rc != 0)) || [[ -n $odd ]]; then
    echo "FAIL $name (exit $rc); it printed:"
    sed 's/^/  | /' "$log"
    failed=$((failed + 1))
  else
    echo "ok $name: $(grep -vE '^$' "$log" | paste -sd ' ')"
    passed=$((passed + 1))
  fi
}

rm -rf $out && mkdir -p $out
generate python-gen '^Generating ' \
  $venv/bin/openapi-python-client generate --path "$doc" --config $here/python-client.yaml \
  --custom-template-path $here/templates \
  --meta setup --output-path $out/python --fail-on-warning
# openapi-typescript, then tsc on its output: a clean run prints "✨ openapi-typescript 7.13.0" and
# "🚀 DOC → OUT [12.3ms]"; warnings go to stderr as " ⚠  ...", errors as " ✘  ...", tsc errors as lines.
ts_gen() {
  $here/node_modules/.bin/openapi-typescript "$doc" -o $out/schema.d.ts &&
    $here/node_modules/.bin/tsc --noEmit --strict $out/schema.d.ts
}
generate ts-gen '^✨ openapi-typescript [0-9.]+$|^🚀 .* → .* \[[0-9.]+m?s\]$' ts_gen
((failed == 0)) || exit 1

PIP_DISABLE_PIP_VERSION_CHECK=1 $venv/bin/pip install -q --no-deps --no-build-isolation --force-reinstall $out/python

port=$($venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
secret=$($venv/bin/python -c 'import secrets; print(secrets.token_hex(24))')
export DATABASE_URL=sqlite://$dir/clients.db CR_DATA_DIR=$dir/data CR_JWT_SECRET=$secret
base=http://127.0.0.1:$port
# Webhooks may reach drive.py's receiver on 127.0.0.1, retried quickly.
export CR_WEBHOOK_ALLOW_NETWORKS=127.0.0.1/32 CR_WEBHOOK_RETRY_BASE=200ms CR_WEBHOOK_POLL_INTERVAL=100ms
(cd "$dir" && NO_COLOR=1 CR_LOG=warn CR_BIND=127.0.0.1:$port exec "$bin" serve) >"$dir/server.log" 2>&1 &
pid=$!
for i in $(seq 60); do
  curl -fs "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "generated clients: server exited during startup" >&2; exit 1; }
  ((i < 60)) || { echo "generated clients: $base/readyz not ready after 30 s" >&2; exit 1; }
  sleep 0.5
done
token=$("$bin" token --sub clients --role admin --ttl 1h 2>/dev/null)

BASE_URL=$base TOKEN=$token NODE_VERIFY=$here/verify-webhook.mjs $venv/bin/python $here/drive.py
passed=$((passed + 1))
echo "$passed passed, 0 failed"
