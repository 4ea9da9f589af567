#!/usr/bin/env bash
# Installs Terraform $TERRAFORM_VERSION into /usr/local/bin after checking its SHA-256. With
# MIRROR_DIR set, it also mirrors the pinned hashicorp/aws provider there, because the tests
# read providers only from a filesystem mirror.
set -euo pipefail

if [[ ! "${TERRAFORM_VERSION:-}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "install-terraform: TERRAFORM_VERSION \"${TERRAFORM_VERSION:-}\" must be an exact version such as 1.11.4" >&2
  exit 1
fi
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "install-terraform: unsupported build architecture $(uname -m)" >&2; exit 1 ;;
esac

archive="terraform_${TERRAFORM_VERSION}_linux_${arch}.zip"
release="https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}"
curl --fail --silent --show-error --location --retry 3 --output "/tmp/${archive}" "${release}/${archive}"
# NOTE: the SHA256SUMS signature is not verified, so without TERRAFORM_SHA256 the check
# detects a corrupt download but not a tampered release server.
if [[ -n "${TERRAFORM_SHA256:-}" ]]; then
  expected="${TERRAFORM_SHA256}"
else
  curl --fail --silent --show-error --location --retry 3 --output /tmp/terraform_SHA256SUMS "${release}/terraform_${TERRAFORM_VERSION}_SHA256SUMS"
  expected="$(awk -v file="${archive}" '$2 == file { print $1 }' /tmp/terraform_SHA256SUMS)"
fi
if [[ -z "${expected}" ]]; then
  echo "install-terraform: no SHA-256 checksum found for ${archive}" >&2
  exit 1
fi
echo "${expected}  /tmp/${archive}" | sha256sum --check --strict -
unzip -o -q "/tmp/${archive}" -d /usr/local/bin
terraform version

if [[ -n "${MIRROR_DIR:-}" ]]; then
  if [[ ! "${AWS_PROVIDER_VERSION:-}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "install-terraform: AWS_PROVIDER_VERSION \"${AWS_PROVIDER_VERSION:-}\" must be an exact version such as 5.100.0" >&2
    exit 1
  fi
  config_dir="$(mktemp -d)"
  jq -n --arg version "${AWS_PROVIDER_VERSION}" \
    '{terraform: {required_providers: {aws: {source: "hashicorp/aws", version: $version}}}}' > "${config_dir}/main.tf.json"
  terraform -chdir="${config_dir}" providers mirror -platform="linux_${arch}" "${MIRROR_DIR}"
  rm -rf "${config_dir}"
fi
