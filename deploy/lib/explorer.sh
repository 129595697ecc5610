# shellcheck shell=bash
# The lineage explorer's assets and browser for deploy/run.sh and deploy/test.sh. Sourced, not run.
#
#   explorer_build            npm ci (when the lock file changed) and npm run build in
#                             src/Provenance.Explorer: the assets land in src/Provenance.Api/wwwroot/explorer
#   explorer_ensure_chromium  sets CHROMIUM to Debian's Chromium (installs the package when missing, as root)
#   openapi_lint FILE         lints an OpenAPI document with deploy/openapi-lint (Redocly, recommended-strict)

explorer_log() { printf '[explorer] %s\n' "$*" >&2; }

explorer_build() {
  local dir="$repo/src/Provenance.Explorer" stamp
  command -v npm >/dev/null 2>&1 || { explorer_log "npm is not installed: the lineage explorer is not built (install Node.js 20 and npm)."; return 1; }
  stamp="$dir/node_modules/.package-lock.sha256"
  if [ ! -f "$stamp" ] || [ "$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)" != "$(cat "$stamp")" ]; then
    explorer_log "npm ci (cytoscape, playwright-core, axe-core)"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null >/dev/null) || { explorer_log "npm ci failed."; return 1; }
    sha256sum "$dir/package-lock.json" | cut -d' ' -f1 >"$stamp"
  fi
  (cd "$dir" && npm run --silent build </dev/null >/dev/null) || { explorer_log "npm run build failed."; return 1; }
}

explorer_ensure_chromium() {
  CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      explorer_log "Chromium is not installed and this user cannot install it: run 'sudo apt-get install -y chromium'."
      return 1
    fi
    explorer_log "Installing Chromium (apt-get) for the browser test..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium </dev/null >/dev/null 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium </dev/null >/dev/null; } ||
      { explorer_log "apt-get install chromium failed."; return 1; }
  fi
  export CHROMIUM
}

# openapi_lint FILE: Redocly's recommended rules, warnings as errors (deploy/openapi-lint), from npm.
openapi_lint() {
  local dir="$repo/deploy/openapi-lint" stamp
  command -v npm >/dev/null 2>&1 || { explorer_log "npm is not installed: the OpenAPI document is not linted."; return 1; }
  stamp="$dir/node_modules/.package-lock.sha256"
  if [ ! -f "$stamp" ] || [ "$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)" != "$(cat "$stamp")" ]; then
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null >/dev/null) || { explorer_log "npm ci (@redocly/cli) failed."; return 1; }
    sha256sum "$dir/package-lock.json" | cut -d' ' -f1 >"$stamp"
  fi
  local out status=0
  out="$(cd "$dir" && NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    ./node_modules/.bin/redocly lint --config redocly.yaml --format=stylish "$1" </dev/null 2>&1)" || status=$?
  # Redocly's boxed Node.js deprecation notice is dropped; its findings are kept.
  printf '%s\n' "$out" | grep -v '[║╔╚]' || true
  return "$status"
}
