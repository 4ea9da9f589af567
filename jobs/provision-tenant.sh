#!/usr/bin/env bash
# Provisions (JOB_ACTION=provision), updates to another template version (JOB_ACTION=update,
# which the rollout runs) or deprovisions (JOB_ACTION=deprovision) the silo stack of one
# tenant by running Terraform on the tenant-template artifact, with the tenant's own state
# key tenants/<TENANT_ID>/terraform.tfstate. An update is an apply of the new version on the
# existing state, so it runs the same commands as a provision.
#
# Remote mode (JOB_MODE=remote, the default; what CodeBuild runs):
#   fetches s3://$TEMPLATE_BUCKET/$TEMPLATE_PREFIX/$TEMPLATE_VERSION.zip, uses the S3 backend
#   in $STATE_BUCKET with an S3 lock file, runs terraform apply or destroy, and exports the
#   template's outputs as TENANT_* shell variables.
# Local mode (JOB_MODE=local; what the local sandbox runs):
#   copies the synthesised template from $TEMPLATE_DIR, keeps state under $STATE_ROOT, runs
#   terraform plan (or plan -destroy) and stops there without applying.
#
# Both modes write the exported variables as NAME=value lines to $EXPORT_FILE when it is
# set. Every value from the event reaches Terraform through a JSON file written by jq, never
# through a command line or a heredoc.
#
# Sourced by the buildspec, the script runs its body in a child bash process (so `set -e`
# applies there and not to CodeBuild's shell) and then exports the variables in the
# caller's shell, where CodeBuild's exported-variables reads them.

if [[ "${BASH_SOURCE[0]}" != "${0}" ]]; then
  __tenant_job_exports="${EXPORT_FILE:-$(mktemp)}"
  EXPORT_FILE="${__tenant_job_exports}" bash "${BASH_SOURCE[0]}" || return $?
  while IFS= read -r __tenant_job_line || [[ -n "${__tenant_job_line}" ]]; do
    __tenant_job_name="${__tenant_job_line%%=*}"
    if [[ "${__tenant_job_name}" =~ ^TENANT_[A-Z0-9_]+$ ]]; then
      export "${__tenant_job_name}=${__tenant_job_line#*=}"
    fi
  done < "${__tenant_job_exports}"
  if [[ -z "${EXPORT_FILE:-}" ]]; then
    rm -f "${__tenant_job_exports}"
  fi
  unset __tenant_job_exports __tenant_job_line __tenant_job_name
  return 0
fi

set -euo pipefail

readonly TENANT_ID_PATTERN='^[a-z0-9]{4,20}$'
readonly TIER_PATTERN='^[A-Z][A-Z0-9_]{1,31}$'
readonly TEMPLATE_VERSION_PATTERN='^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'
readonly KNOWN_AFTER_APPLY='(known after apply)'
# Variables the buildspec declares in exported-variables; other outputs are not exported.
readonly EXPORTED_VARIABLES='["TENANT_API_URL","TENANT_USER_POOL_ID","TENANT_USER_POOL_CLIENT_ID","TENANT_PRODUCTS_TABLE_NAME","TENANT_ORDERS_TABLE_NAME","TENANT_API_KEY_ID","TENANT_TEMPLATE_VERSION","TENANT_PLANNED"]'

fail() {
  echo "provision-tenant: $*" >&2
  exit 1
}

log() {
  echo "provision-tenant: $*"
}

require_variable() {
  local name="$1"
  if [[ -z "${!name:-}" ]]; then
    fail "environment variable ${name} is not set; the build must define it"
  fi
}

require_command() {
  command -v "$1" > /dev/null 2>&1 || fail "command $1 was not found on PATH; the build image must provide it"
}

validate_request() {
  # TENANT_ID and JOB_ACTION go into paths and decide what Terraform does, so they are
  # checked before anything else runs.
  if [[ ! "${TENANT_ID:-}" =~ ${TENANT_ID_PATTERN} ]]; then
    fail "TENANT_ID \"${TENANT_ID:-}\" is invalid: it must be 4 to 20 lowercase letters or digits"
  fi
  case "${JOB_ACTION:-}" in
    provision | update | deprovision) ;;
    *) fail "JOB_ACTION \"${JOB_ACTION:-}\" is invalid: it must be provision, update or deprovision" ;;
  esac
  case "${JOB_MODE:=remote}" in
    remote | local) ;;
    *) fail "JOB_MODE \"${JOB_MODE}\" is invalid: it must be remote or local" ;;
  esac
  if [[ ! "${TIER:-}" =~ ${TIER_PATTERN} ]]; then
    fail "TIER \"${TIER:-}\" is invalid: it must be 2 to 32 uppercase letters, digits or underscores"
  fi
  if [[ ! "${TEMPLATE_VERSION:-}" =~ ${TEMPLATE_VERSION_PATTERN} ]]; then
    fail "TEMPLATE_VERSION \"${TEMPLATE_VERSION:-}\" is invalid: it must be 1 to 64 letters, digits, dots, hyphens or underscores"
  fi
  require_variable TENANT_NAME
  require_variable ADMIN_EMAIL

  if [[ "${JOB_MODE}" == "remote" ]]; then
    require_variable TEMPLATE_BUCKET
    require_variable TEMPLATE_PREFIX
    require_variable STATE_BUCKET
    require_variable AWS_REGION
    require_command aws
    require_command unzip
  else
    require_variable TEMPLATE_DIR
    require_variable STATE_ROOT
    [[ -d "${TEMPLATE_DIR}" ]] || fail "TEMPLATE_DIR \"${TEMPLATE_DIR}\" is not a folder; synthesise the tenant-template stack first"
  fi
  require_command terraform
  require_command jq
}

fetch_template() {
  local target="$1"
  mkdir -p "${target}"
  if [[ "${JOB_MODE}" == "remote" ]]; then
    local source="s3://${TEMPLATE_BUCKET}/${TEMPLATE_PREFIX}/${TEMPLATE_VERSION}.zip"
    log "fetching tenant template ${source}"
    aws s3 cp --only-show-errors "${source}" "${WORK_DIR}/template.zip"
    unzip -q "${WORK_DIR}/template.zip" -d "${target}"
  else
    log "copying tenant template from ${TEMPLATE_DIR}"
    cp -R "${TEMPLATE_DIR}/." "${target}/"
  fi
  compgen -G "${target}/*.tf.json" > /dev/null || compgen -G "${target}/*.tf" > /dev/null ||
    fail "the tenant template version ${TEMPLATE_VERSION} contains no Terraform configuration (*.tf.json or *.tf)"
}

write_backend_override() {
  local target="$1"
  if [[ "${JOB_MODE}" == "remote" ]]; then
    jq -n '{terraform: {backend: {s3: {}}}}' > "${target}/backend_override.tf.json"
  else
    local state_file="${STATE_ROOT}/tenants/${TENANT_ID}/terraform.tfstate"
    mkdir -p "$(dirname "${state_file}")"
    jq -n --arg path "${state_file}" '{terraform: {backend: {local: {path: $path}}}}' > "${target}/backend_override.tf.json"
  fi
}

write_tfvars() {
  jq -n \
    --arg tenant_id "${TENANT_ID}" \
    --arg tenant_name "${TENANT_NAME}" \
    --arg tier "${TIER}" \
    --arg admin_email "${ADMIN_EMAIL}" \
    --arg template_version "${TEMPLATE_VERSION}" \
    '{tenant_id: $tenant_id, tenant_name: $tenant_name, tier: $tier, admin_email: $admin_email, template_version: $template_version}' \
    > "$1/tenant.auto.tfvars.json"
}

terraform_init() {
  local target="$1"
  if [[ "${JOB_MODE}" == "remote" ]]; then
    terraform -chdir="${target}" init -input=false -no-color \
      -backend-config="bucket=${STATE_BUCKET}" \
      -backend-config="key=tenants/${TENANT_ID}/terraform.tfstate" \
      -backend-config="region=${AWS_REGION}" \
      -backend-config="encrypt=true" \
      -backend-config="use_lockfile=true"
  else
    terraform -chdir="${target}" init -input=false -no-color
  fi
}

# Writes NAME=value lines for every output name in $EXPORTED_VARIABLES, from a JSON object
# of {output_name: value} on stdin; names become TENANT_<OUTPUT_NAME>. The template_version
# output is left out: the callers export the version they fetched, which templates
# published before that output existed do not report.
write_exports() {
  jq -r --argjson allowed "${EXPORTED_VARIABLES}" '
    to_entries[]
    | {name: ("TENANT_" + (.key | ascii_upcase)), value: .value}
    | select(.name != "TENANT_TEMPLATE_VERSION")
    | select(.name as $name | $allowed | index($name))
    | select(.value | type == "string" or type == "number" or type == "boolean")
    | "\(.name)=\(.value | tostring | gsub("[\r\n]"; " "))"'
}

export_outputs_after_apply() {
  # Sensitive outputs are left out: exported variables are visible in the build details.
  terraform -chdir="$1" output -json -no-color |
    jq 'with_entries(select(.value.sensitive != true) | .value = .value.value)' | write_exports
  echo "TENANT_TEMPLATE_VERSION=${TEMPLATE_VERSION}"
  echo "TENANT_PLANNED=false"
}

export_outputs_of_plan() {
  # output_changes lists every output of the plan, and after_unknown marks the values that
  # stay unknown until apply.
  terraform -chdir="$1" show -json -no-color tenant.tfplan |
    jq --arg unknown "${KNOWN_AFTER_APPLY}" '
      (.output_changes // {})
      | with_entries(select(.value.after_sensitive != true)
        | .value = (if .value.after_unknown == true then $unknown else .value.after end))' | write_exports
  echo "TENANT_TEMPLATE_VERSION=${TEMPLATE_VERSION}"
  echo "TENANT_PLANNED=true"
}

main() {
  validate_request

  WORK_DIR="$(mktemp -d "${JOB_WORK_ROOT:-${TMPDIR:-/tmp}}/tenant-job.XXXXXX")"
  if [[ "${KEEP_WORK_DIR:-}" != "1" ]]; then
    trap 'rm -rf "${WORK_DIR}"' EXIT
  fi
  local template="${WORK_DIR}/template"
  local exports="${WORK_DIR}/exports.env"

  log "${JOB_ACTION} of tenant ${TENANT_ID} (tier ${TIER}, template ${TEMPLATE_VERSION}, ${JOB_MODE} mode)"
  fetch_template "${template}"
  write_backend_override "${template}"
  write_tfvars "${template}"
  terraform_init "${template}"

  if [[ "${JOB_MODE}" == "remote" && "${JOB_ACTION}" != "deprovision" ]]; then
    terraform -chdir="${template}" apply -auto-approve -input=false -no-color -compact-warnings
    export_outputs_after_apply "${template}" > "${exports}"
  elif [[ "${JOB_MODE}" == "remote" ]]; then
    # The tenant's tables and user pool have deletion protection, which AWS enforces on
    # delete, so an apply lifts it before the destroy.
    terraform -chdir="${template}" apply -auto-approve -input=false -no-color -compact-warnings -var=deletion_protection=false
    terraform -chdir="${template}" destroy -auto-approve -input=false -no-color -compact-warnings -var=deletion_protection=false
    echo "TENANT_PLANNED=false" > "${exports}"
  elif [[ "${JOB_ACTION}" != "deprovision" ]]; then
    terraform -chdir="${template}" plan -input=false -no-color -compact-warnings -out=tenant.tfplan
    export_outputs_of_plan "${template}" > "${exports}"
    log "the plan was not applied: local mode stops at terraform plan, so tenant ${TENANT_ID} has no deployed resources"
  else
    terraform -chdir="${template}" plan -destroy -input=false -no-color -compact-warnings -var=deletion_protection=false -out=tenant.tfplan
    echo "TENANT_PLANNED=true" > "${exports}"
    log "the destroy plan was not applied: local mode stops at terraform plan, so nothing was destroyed"
  fi

  log "exported variables:"
  sed 's/^/  /' "${exports}"
  if [[ -n "${EXPORT_FILE:-}" ]]; then
    cp "${exports}" "${EXPORT_FILE}"
  fi
}

main "$@"
