# Sourced by .ci/serve and .ci/test: makes sure this machine has what gradbook's
# site and tests need, installing what it can and naming precisely what it can't.
#   - Python >= 3.10 with the venv module
#   - a virtual environment in .venv with gradbook (editable) and its docs/test tools
#   - Graphviz's `dot` program, which renders every figure of the book
#   - Chromium, which the browser tests drive (only for .ci/test)
#   - Node.js and npm, and node_modules from package-lock.json (npm ci): the live
#     pages' Python (Pyodide) and Graphviz, which the build copies into the site
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { printf 'gradbook setup: %s\n' "$*" >&2; exit 1; }

# Run a system package manager as root, through sudo when we are not root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1; fi
}

# Install Debian/Ubuntu or Homebrew packages; $1 is what they are for, the rest are
# "apt:NAME" / "brew:NAME" package names.
system_install() {
  local what=$1; shift
  local apt_pkgs=() brew_pkgs=() p
  for p in "$@"; do
    # shellcheck disable=SC2206 # "brew:--cask chromium" is two words on purpose
    case $p in apt:*) apt_pkgs+=("${p#apt:}") ;; brew:*) brew_pkgs+=(${p#brew:}) ;; esac
  done
  if command -v apt-get >/dev/null 2>&1; then
    echo "gradbook setup: installing ${apt_pkgs[*]} ($what) with apt-get" >&2
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null \
      || die "could not install ${apt_pkgs[*]} ($what). Run: sudo apt-get install ${apt_pkgs[*]}"
  elif command -v brew >/dev/null 2>&1; then
    echo "gradbook setup: installing ${brew_pkgs[*]} ($what) with brew" >&2
    brew install "${brew_pkgs[@]}" || die "could not install ${brew_pkgs[*]} ($what). Run: brew install ${brew_pkgs[*]}"
  else
    die "$what is missing and this is neither Debian/Ubuntu (apt-get) nor macOS with Homebrew (brew). Install it by hand and rerun."
  fi
}

PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || die "no python3 on PATH. Install Python 3.10 or newer (https://www.python.org/downloads/) and rerun."
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || die "$("$PY" --version 2>&1) is too old; gradbook needs Python 3.10 or newer."

command -v dot >/dev/null 2>&1 || system_install "Graphviz's dot program" apt:graphviz brew:graphviz
command -v dot >/dev/null 2>&1 || die "Graphviz's dot program is still not on PATH; see https://graphviz.org/download/"

find_chromium() {
  local c
  for c in "${GRADBOOK_CHROMIUM:-}" chromium chromium-browser google-chrome \
           "/Applications/Chromium.app/Contents/MacOS/Chromium"; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && return 0
  done
  return 1
}
if [ "${GRADBOOK_NEEDS_BROWSER:-0}" = 1 ] && ! find_chromium; then
  system_install "Chromium, for the browser tests" apt:chromium "brew:--cask chromium"
  find_chromium || die "no Chromium found for the browser tests; install it, or point GRADBOOK_CHROMIUM at a Chromium or Chrome binary"
fi

# Node and npm: the live pages' Pyodide and Graphviz, KaTeX (the build typesets math,
# book/math.py) and axe-core (the browser tests) come from package-lock.json.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || system_install "Node.js and npm" apt:nodejs apt:npm brew:node
command -v npm >/dev/null 2>&1 || die "npm is still not on PATH; install Node.js (https://nodejs.org/) and rerun."
# npm ci only when node_modules is missing or package-lock.json changed (npm ci
# removes node_modules first, stamp included).
npm_stamp=node_modules/.gradbook-installed
if [ ! -f "$npm_stamp" ] || [ package-lock.json -nt "$npm_stamp" ]; then
  echo "gradbook setup: installing the site's Node packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed; see its message above, then rerun."
  touch "$npm_stamp"
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    system_install "Python's venv module" "apt:python3-venv" "brew:python"
    "$PY" -m venv .venv || die "could not create a virtual environment with $PY -m venv"
  fi
fi

# Reinstall only when the dependency list changed, so a second run starts at once.
stamp=.venv/.gradbook-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,docs]"
  touch "$stamp"
fi
# PyTorch (CPU) for chapter 9, which compares gradbook with it: the strict build, which
# the tests check and the Pages workflow publishes, refuses to go without it. First a
# CPU wheel this machine keeps where pip looks without an index (its find-links), with
# what it needs from the index; else PyTorch's CPU index (PyPI's Linux wheels are CUDA
# builds of several GB).
if ! .venv/bin/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"; then
  echo "gradbook setup: installing PyTorch (CPU) for chapter 9" >&2
  kept=$(mktemp -d)
  if .venv/bin/python -m pip download -q --no-index --no-deps "torch==2.13.0" -d "$kept" 2>/dev/null; then
    .venv/bin/python -m pip install -q "$kept"/torch-*.whl
  else
    .venv/bin/python -m pip install -q --index-url https://download.pytorch.org/whl/cpu torch
  fi || die "could not install PyTorch for chapter 9. Run: .venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu"
  rm -rf "$kept"
fi
# The book's tooling (book/, with the MkDocs plugin of mkdocs.yml) is not part of the
# gradbook package: the repository goes on the environment's path instead.
.venv/bin/python - "$PWD" <<'PY'
import pathlib, sys, sysconfig
pathlib.Path(sysconfig.get_paths()["purelib"], "gradbook-book.pth").write_text(sys.argv[1] + "\n")
PY
export PATH="$PWD/.venv/bin:$PATH"
