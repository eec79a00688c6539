#!/usr/bin/env bash
# Terraform wrapper used by the Makefile.
#
#   scripts/tf.sh init    [terraform init args]
#   scripts/tf.sh plan    [terraform plan args]      MODE=serverless|vpc  TFVARS=file
#   scripts/tf.sh apply   [terraform apply args]     MODE=...             TFVARS=...  (or: apply x.tfplan)
#   scripts/tf.sh destroy [terraform destroy args]   MODE=...             TFVARS=...
#   scripts/tf.sh check                              offline: fmt, validate, terraform test
#   scripts/tf.sh preflight plan|apply|destroy       only the checks of MODE and TFVARS (make runs it before building)
#   scripts/tf.sh cli-config                         write the CLI configuration, print its path
#
# Environment:
#   MODE              serverless (default) or vpc; when set, it also overrides
#                     the `mode` of the tfvars file.
#   TFVARS            variable file (default terraform/examples/$MODE.tfvars),
#                     relative to the repository root or absolute.
#   TF_PLUGIN_MIRROR  a filesystem mirror of the providers (e.g. /opt/tf-plugins):
#                     when set, providers come from there and nowhere else.
#   TF_BACKEND_CONFIG a backend configuration file passed to every `init` of
#                     plan/apply/destroy/init (-backend-config), e.g. for an S3
#                     backend declared in terraform/backend.tf (docs/terraform.md).
#   REQUIRE_TOOLS=1   `check` fails instead of skipping when terraform is missing.
#
# The wrapper writes its own CLI configuration (terraform/.tfcli/terraformrc,
# git-ignored) and points TF_CLI_CONFIG_FILE at it, so that a user's
# ~/.terraformrc (or a TF_CLI_CONFIG_FILE naming a missing file) changes nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TF_DIR="$ROOT/terraform"
CLI_DIR="$TF_DIR/.tfcli"

export CHECKPOINT_DISABLE=1

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

require_terraform() {
  if command -v terraform >/dev/null 2>&1; then
    return 0
  fi
  if [[ "${1:-}" == "skippable" && "${REQUIRE_TOOLS:-}" != "1" ]]; then
    echo "SKIPPED: terraform is not installed; the Terraform checks did NOT run (install Terraform >= 1.11, or set REQUIRE_TOOLS=1 to make this an error)"
    exit 0
  fi
  echo "ERROR: terraform is not installed (Terraform >= 1.11 is needed; see docs/terraform.md)" >&2
  exit 1
}

write_cli_config() {
  mkdir -p "$CLI_DIR"
  local rc="$CLI_DIR/terraformrc"
  {
    echo "# Written by scripts/tf.sh; do not edit (it is rewritten on every run)."
    if [[ -n "${TF_PLUGIN_MIRROR:-}" ]]; then
      if [[ ! -d "$TF_PLUGIN_MIRROR" ]]; then
        echo "ERROR: TF_PLUGIN_MIRROR=$TF_PLUGIN_MIRROR is not a directory" >&2
        exit 1
      fi
      # Providers from the mirror only (offline). An unpacked mirror is
      # symlinked into .terraform, so no plugin cache is needed.
      cat <<RC
provider_installation {
  filesystem_mirror {
    path    = "$(cd "$TF_PLUGIN_MIRROR" && pwd)"
    include = ["registry.terraform.io/*/*"]
  }
}
RC
    else
      # Registry downloads, shared between the root and the module checks.
      mkdir -p "$CLI_DIR/plugin-cache"
      echo "plugin_cache_dir = \"$CLI_DIR/plugin-cache\""
      echo "plugin_cache_may_break_dependency_lock_file = true"
    fi
  } >"$rc"
  export TF_CLI_CONFIG_FILE="$rc"
}

tf() {
  terraform "$@"
}

# -backend-config for the inits that use the real backend.
backend_args() {
  BACKEND_ARGS=()
  if [[ -n "${TF_BACKEND_CONFIG:-}" ]]; then
    local file="$TF_BACKEND_CONFIG"
    [[ "$file" == /* ]] || file="$ROOT/$file"
    if [[ ! -f "$file" ]]; then
      echo "ERROR: TF_BACKEND_CONFIG=$TF_BACKEND_CONFIG not found" >&2
      exit 2
    fi
    BACKEND_ARGS=("-backend-config=$file")
  fi
}

init_dir() { # dir [extra init args...]
  local dir="$1"
  shift
  # Streamed, not captured: a first provider download takes a while and
  # must not look hung.
  tf -chdir="$dir" init -input=false -no-color "$@" || {
    echo "ERROR: terraform init failed in ${dir#"$ROOT"/} (its output is above)" >&2
    return 1
  }
}

# Resolves MODE and TFVARS into the argument list VAR_ARGS; refuses bad
# input before anything is built or initialised. $1: the command (plan,
# apply, destroy).
resolve_vars() {
  local cmd="${1:-plan}"
  local mode="${MODE:-serverless}"
  case "$mode" in
    serverless | vpc) ;;
    *)
      echo "ERROR: MODE must be serverless or vpc (got '$mode'), e.g. make $cmd MODE=vpc" >&2
      exit 2
      ;;
  esac
  local example="terraform/examples/$mode.tfvars"
  if [[ -z "${TFVARS:-}" && "$cmd" == apply ]]; then
    echo "ERROR: make apply needs TFVARS: without it, it would deploy the example $example and its contacts (safety-team@example.org, ops@example.org, +33639980000)." >&2
    echo "       Copy the example, put your own name, region and contacts in it, then apply it:" >&2
    echo "         cp $example terraform/examples/my-site.local.tfvars" >&2
    echo "         make apply MODE=$mode TFVARS=terraform/examples/my-site.local.tfvars" >&2
    exit 2
  fi
  local tfvars="${TFVARS:-$example}"
  [[ "$tfvars" == /* ]] || tfvars="$ROOT/$tfvars"
  if [[ ! -f "$tfvars" ]]; then
    echo "ERROR: variable file ${TFVARS:-$example} not found. Start from an example:" >&2
    echo "         cp $example ${TFVARS:-terraform/examples/my-site.local.tfvars}" >&2
    echo "       then edit its name, region and contacts (every variable: terraform/variables.tf)." >&2
    exit 2
  fi
  if [[ "$cmd" == apply ]] && grep -Eq '@example\.(org|com|net|fr)|\+33639980000' "$tfvars"; then
    echo "ERROR: ${TFVARS} still holds the example's contacts:" >&2
    grep -En '@example\.(org|com|net|fr)|\+33639980000' "$tfvars" | sed 's/^/         /' >&2
    echo "       Alerts would go to nobody: put the real addresses and numbers of the people to tell." >&2
    exit 2
  fi
  VAR_ARGS=("-var-file=$tfvars")
  if [[ -n "${MODE:-}" ]]; then
    VAR_ARGS+=("-var=mode=$MODE")
  fi
  if [[ "$cmd" != preflight ]] && ! grep -Eq '^[[:space:]]*lambda_dist_dir[[:space:]]*=' "$tfvars" && [[ ! -f "$ROOT/dist/lambda/sweep.zip" ]]; then
    echo "NOTE: dist/lambda/*.zip not found: run 'npm run build' first (make plan/apply does)." >&2
  fi
}

cmd_check() {
  require_terraform skippable
  write_cli_config
  export TF_IN_AUTOMATION=1
  local started=$SECONDS

  echo "== terraform fmt -check -recursive terraform"
  tf fmt -check -recursive -diff "$TF_DIR"

  # The root, then every module on its own (init -backend=false + validate).
  # The modules run side by side: most of the time is the provider loading
  # its schema. (The root goes first so that, without a mirror, it fills the
  # plugin cache before the modules read it: the cache is not safe for
  # concurrent writers.)
  echo "== terraform validate terraform"
  init_dir "$TF_DIR" -backend=false
  tf -chdir="$TF_DIR" validate -no-color

  local dir name status=0
  local -a dirs=() pids=()
  # A module that takes an aliased provider from its caller
  # (configuration_aliases: front-door's aws.us_east_1) cannot be validated
  # on its own (terraform asks for a provider configuration it must not
  # have); the root's validate and terraform tests cover it.
  for dir in "$TF_DIR"/modules/*/; do
    if grep -q 'configuration_aliases' "$dir/versions.tf" 2>/dev/null; then
      echo "== terraform validate ${dir#"$ROOT"/}: through the root (it takes an aliased provider from its caller)"
      continue
    fi
    dirs+=("${dir%/}")
  done
  for dir in "${dirs[@]}"; do
    name="${dir#"$ROOT"/}"
    (
      tf -chdir="$dir" init -backend=false -input=false -no-color &&
        tf -chdir="$dir" validate -no-color
    ) >"$CLI_DIR/validate.${name//\//_}.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!dirs[@]}"; do
    name="${dirs[$i]#"$ROOT"/}"
    if wait "${pids[$i]}"; then
      echo "== terraform validate $name: ok"
    else
      status=1
      echo "== terraform validate $name: FAILED"
      cat "$CLI_DIR/validate.${name//\//_}.log"
    fi
  done
  [[ $status -eq 0 ]] || return 1

  echo "== terraform test (terraform/tests/*.tftest.hcl)"
  tf -chdir="$TF_DIR" test -no-color

  echo "== terraform checks passed in $((SECONDS - started)) s"
}

main() {
  local cmd="${1:-}"
  [[ -n "$cmd" ]] || usage
  shift
  case "$cmd" in
    check)
      cmd_check "$@"
      ;;
    cli-config)
      # For tools that run terraform themselves with the same provider
      # set-up (terraform/tests/table-drift.test.ts).
      write_cli_config
      echo "$TF_CLI_CONFIG_FILE"
      ;;
    init)
      require_terraform
      write_cli_config
      backend_args
      tf -chdir="$TF_DIR" init -input=false "${BACKEND_ARGS[@]}" "$@"
      ;;
    preflight)
      # The checks of plan/apply/destroy that need neither a build nor
      # terraform: make runs them first, so a typo costs nothing.
      case "${1:-}" in
        plan | apply | destroy) resolve_vars "$1" ;;
        *)
          echo "ERROR: preflight takes plan, apply or destroy" >&2
          exit 2
          ;;
      esac
      ;;
    plan)
      resolve_vars plan
      require_terraform
      write_cli_config
      backend_args
      init_dir "$TF_DIR" "${BACKEND_ARGS[@]}"
      tf -chdir="$TF_DIR" plan -input=false "${VAR_ARGS[@]}" "$@"
      ;;
    apply | destroy)
      local last=""
      [[ $# -eq 0 ]] || last="${!#}"
      local saved_plan=0
      if [[ "$cmd" == apply && -n "$last" && "$last" != -* && -f "$TF_DIR/$last" ]]; then
        # A saved plan (`tf.sh plan -out=x.tfplan`, written under terraform/)
        # already holds its variables.
        saved_plan=1
      else
        resolve_vars "$cmd"
      fi
      require_terraform
      write_cli_config
      backend_args
      init_dir "$TF_DIR" "${BACKEND_ARGS[@]}"
      if [[ $saved_plan -eq 1 ]]; then
        tf -chdir="$TF_DIR" apply "$@"
      else
        tf -chdir="$TF_DIR" "$cmd" "${VAR_ARGS[@]}" "$@"
      fi
      ;;
    -h | --help | help)
      usage
      ;;
    *)
      echo "ERROR: unknown command '$cmd'" >&2
      usage
      ;;
  esac
}

main "$@"
