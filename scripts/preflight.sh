#!/usr/bin/env bash
# Checks the tools this repository needs before anything is installed or run.
# Prints one line naming what is missing and how to get it, and exits 2.
set -uo pipefail

fail() { echo "error: $1" >&2; exit 2; }

version_at_least() { # version_at_least HAVE WANT -> true when HAVE >= WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

command -v "${TERRAFORM:-terraform}" >/dev/null 2>&1 \
  || fail "terraform not found on PATH: install Terraform >= 1.11 (HashiCorp releases or your package manager) or set TERRAFORM=/path/to/terraform"
tf_version="$("${TERRAFORM:-terraform}" version 2>/dev/null | head -n 1 | sed -n 's/^Terraform v\([0-9.]*\).*/\1/p')"
[ -n "$tf_version" ] || fail "could not read the Terraform version from '${TERRAFORM:-terraform} version': reinstall Terraform >= 1.11"
version_at_least "$tf_version" "1.11" || fail "terraform $tf_version is too old: install Terraform >= 1.11"

command -v node >/dev/null 2>&1 \
  || fail "node not found on PATH: install Node.js >= 20 (CDKTF's jsii runtime needs it), e.g. apt-get install nodejs"
node_version="$(node --version 2>/dev/null | sed 's/^v//')"
version_at_least "$node_version" "20" || fail "node $node_version is too old: install Node.js >= 20"

command -v "${PYTHON:-python3.11}" >/dev/null 2>&1 \
  || fail "${PYTHON:-python3.11} not found on PATH: install Python 3.11 (e.g. pyenv install 3.11) or set PYTHON=/path/to/python3.11"
"${PYTHON:-python3.11}" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null \
  || fail "${PYTHON:-python3.11} is not a Python 3.11 with venv: install Python 3.11 (with its venv module) or set PYTHON=/path/to/python3.11"
exit 0
