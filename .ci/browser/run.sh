#!/usr/bin/env bash
# Browser end-to-end test of the Swagger UI: starts the server on a free port with
# its own SQLite database, mints an admin token, drives Swagger UI in headless
# Chromium (swagger-ui.mjs). Called by CI as `bash .ci/browser/run.sh`.
# Env: CR_BIN (default target/debug/consignee-registry), SCREENSHOT (see swagger-ui.mjs),
#      CI=true makes missing prerequisites a failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=.ci/browser
bin=${CR_BIN:-target/debug/consignee-registry}
[[ $bin == /* ]] || bin=$PWD/$bin

missing=()
[[ -x /usr/bin/chromium ]] || missing+=("/usr/bin/chromium (apt-get install chromium)")
command -v node >/dev/null || missing+=(node)
command -v npm >/dev/null || missing+=(npm)
[[ -x $bin ]] || missing+=("server binary $bin (cargo build)")
if ((${#missing[@]})); then
  if [[ ${CI:-} == true ]]; then
    echo "browser e2e: missing prerequisites: ${missing[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "skipped: ${missing[*]}"
  exit 0
fi

[[ -d $here/node_modules/playwright-core ]] || (cd "$here" && npm ci --silent)

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
    echo "--- server log (last 30 lines) ---" >&2
    tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
    echo "0 passed, 1 failed"
  fi
  rm -rf "$dir"
}
trap finish EXIT

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
secret=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
export DATABASE_URL=sqlite://$dir/db.sqlite CR_DATA_DIR=$dir/data CR_JWT_SECRET=$secret
base=http://127.0.0.1:$port

(cd "$dir" && NO_COLOR=1 CR_BIND=127.0.0.1:$port exec "$bin" serve) >"$dir/server.log" 2>&1 &
pid=$!

healthy() { node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$base/healthz"; }
for i in $(seq 60); do
  healthy && break
  kill -0 "$pid" 2>/dev/null || { echo "browser e2e: server exited during startup" >&2; exit 1; }
  ((i < 60)) || { echo "browser e2e: $base/healthz not healthy after 30 s" >&2; exit 1; }
  sleep 0.5
done

token=$("$bin" token --sub e2e --role admin 2>>"$dir/server.log")

if BASE_URL=$base TOKEN=$token node "$here/swagger-ui.mjs"; then
  echo "1 passed, 0 failed"
else
  exit 1
fi
