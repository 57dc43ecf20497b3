#!/usr/bin/env bash
# demo.sh: `make demo`: apply examples/quickstart with the pinned Terraform against a local vonage-sandbox, then show the result.
# `bash scripts/demo.sh subaccounts` (`make demo EXAMPLE=subaccounts`) applies examples/subaccounts instead, against a
# primary with a 100 EUR credit line.
# PROVIDER_BIN_DIR=<dir> uses prebuilt terraform-provider-vonage and vonage-sandbox from <dir> instead of building.
set -euo pipefail

EXAMPLE="${1:-quickstart}"
case "$EXAMPLE" in
  quickstart) SANDBOX_ARGS=() ;;
  subaccounts) SANDBOX_ARGS=(--credit-limit 100 --number 447700900123:GB --number 447700900456:GB) ;;
  *) echo "demo: unknown example '$EXAMPLE' (quickstart or subaccounts)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${PROVIDER_BIN_DIR:-$ROOT/target/debug}"
SANDBOX_BIN="${VONAGE_SANDBOX_BIN:-$BIN_DIR/vonage-sandbox}"
TERRAFORM="$ROOT/.venv/bin/terraform" # the examples need write-only attributes (1.11+) and actions (1.14+): always use the pinned 1.15.5
PY="$ROOT/.venv/bin/python"

say() { printf '\n== %s\n' "$*"; }

if [[ -n "${PROVIDER_BIN_DIR:-}" ]]; then
  say "using prebuilt binaries in $BIN_DIR"
else
  say "building the provider and the sandbox"
  (cd "$ROOT" && cargo build --bins)
fi
bash "$ROOT/scripts/setup.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vonage-demo.XXXXXX")"
SANDBOX_PID=""
cleanup() {
  if [[ -n "$SANDBOX_PID" ]] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID"
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Random secrets that meet Vonage's rules: 8-25 chars with a lower-case letter, an upper-case letter and a digit.
new_secret() {
  "$PY" -c '
import secrets, string
while True:
    s = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(20))
    if any(c.islower() for c in s) and any(c.isupper() for c in s) and any(c.isdigit() for c in s):
        print(s)
        break'
}
API_KEY="abcd1234"
API_SECRET="$(new_secret)"

say "starting vonage-sandbox"
: >"$WORK/sandbox.out" # exists before the sandbox starts, so the wait below can read it at once
"$SANDBOX_BIN" --listen 127.0.0.1:0 --state "$WORK/sandbox.json" --api-key "$API_KEY" --api-secret "$API_SECRET" \
  ${SANDBOX_ARGS[@]+"${SANDBOX_ARGS[@]}"} >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" </dev/null &
SANDBOX_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(sed -n 's/^vonage-sandbox listening on \(http:[^ ]*\).*/\1/p' "$WORK/sandbox.out")"
  [[ -n "$URL" ]] && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.err" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$URL" ]] || { echo "demo: the sandbox did not start; stderr:" >&2; cat "$WORK/sandbox.err" >&2; exit 1; }
echo "sandbox at $URL (primary account $API_KEY)"

cat >"$WORK/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/vonage/vonage" = "$BIN_DIR"
  }
  direct {}
}
EOF
mkdir "$WORK/$EXAMPLE"
cp "$ROOT"/examples/"$EXAMPLE"/*.tf "$WORK/$EXAMPLE/"

unset TF_PLUGIN_CACHE_DIR
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 TF_CLI_CONFIG_FILE="$WORK/dev.tfrc"
[[ -t 1 ]] || export TF_CLI_ARGS="-no-color"
export VONAGE_API_KEY="$API_KEY" VONAGE_API_SECRET="$API_SECRET" VONAGE_API_URL="$URL" VONAGE_REST_URL="$URL"
TF_VAR_demo_secret="$(new_secret)"
TF_VAR_payments_secret="$(new_secret)"
export TF_VAR_demo_secret TF_VAR_payments_secret

tf() { (cd "$WORK/$EXAMPLE" && "$TERRAFORM" "$@" </dev/null); }

say "terraform init"
tf init
say "terraform apply -auto-approve"
tf apply -auto-approve
say "terraform output"
tf output
if [[ "$EXAMPLE" == quickstart ]]; then
  echo
  echo "balance:   $(tf output -raw balance)"
  echo "settings:  $(tf output -json settings)"
  echo "secret id: $(tf output -raw secret_id)"
fi
say "terraform plan -detailed-exitcode (a second plan is empty)"
tf plan -detailed-exitcode

say "sandbox state (GET /_sandbox/state)"
"$PY" -c 'import json, sys, urllib.request
print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1] + "/_sandbox/state", timeout=10)), indent=2))' "$URL"

say "done: the sandbox is stopped and $WORK removed"
