#!/usr/bin/env bash
# Regenerates terraform/.terraform.lock.hcl from terraform/versions.tf.
# With the offline mirror only the local platform's checksum can be recorded; on a machine that
# reaches the Terraform registry, pass PLATFORMS="linux_amd64 darwin_arm64 ..." to add others.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ -f "$here/cli/terraform.rc" ] || bash "$here/cli/configure.sh" >/dev/null
export TF_CLI_CONFIG_FILE="$here/cli/terraform.rc"
platforms="${PLATFORMS:-linux_amd64}"
args=()
for platform in $platforms; do args+=("-platform=$platform"); done
mirror="$(sed -n 's/^ *path *= *"\(.*\)"$/\1/p' "$here/cli/terraform.rc" | head -n 1)"
cd "$here"
if [ -n "$mirror" ]; then
  terraform providers lock -no-color -fs-mirror="$mirror" "${args[@]}"
else
  terraform providers lock -no-color "${args[@]}"
fi
