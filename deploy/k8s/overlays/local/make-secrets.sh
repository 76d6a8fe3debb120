#!/usr/bin/env bash
# Writes the env files the local overlay's secretGenerator reads (secrets/<service>.env, git-ignored, mode 600): the
# services' connection strings and the token signing key, made from the passwords in the compose .env, so that the
# broker users and database roles of deploy/docker (rabbitmq definitions, postgres/create-service-roles.sh) fit.
#
#   deploy/docker/make-env.sh                          # once, if there is no .env yet
#   deploy/k8s/overlays/local/make-secrets.sh [ENV_FILE [OUTPUT_DIR]]
#
# ENV_FILE defaults to .env at the repository root, OUTPUT_DIR to secrets/ next to this script. The files are derived,
# so writing them again from the same .env changes nothing. Where the services find the broker and the database:
# PLATFORM_K8S_RABBITMQ_HOST (rabbitmq), PLATFORM_K8S_POSTGRES_HOST (postgres), as seen from the namespace.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
env_file="${1:-$(cd "$script_dir/../../../.." && pwd)/.env}"
output_dir="${2:-$script_dir/secrets}"
rabbitmq_host="${PLATFORM_K8S_RABBITMQ_HOST:-rabbitmq}"
postgres_host="${PLATFORM_K8S_POSTGRES_HOST:-postgres}"

if [[ ! -f "$env_file" ]]; then
  echo "make-secrets.sh: $env_file does not exist; run deploy/docker/make-env.sh first (or name an env file)" >&2
  exit 1
fi

# One value of the env file, without sourcing it (it is data, not a script).
value_of() {
  local value
  value="$(sed -n "s/^$1=//p" "$env_file" | tail -n 1)"
  if [[ -z "$value" ]]; then
    echo "make-secrets.sh: $1 is missing from $env_file" >&2
    exit 1
  fi
  printf '%s' "$value"
}

postgres_ingestion_password="$(value_of POSTGRES_INGESTION_PASSWORD)"
postgres_query_password="$(value_of POSTGRES_QUERY_PASSWORD)"
rabbitmq_ingestion_password="$(value_of RABBITMQ_INGESTION_PASSWORD)"
rabbitmq_extraction_password="$(value_of RABBITMQ_EXTRACTION_PASSWORD)"
rabbitmq_geocoding_password="$(value_of RABBITMQ_GEOCODING_PASSWORD)"
rabbitmq_query_password="$(value_of RABBITMQ_QUERY_PASSWORD)"
jwt_signing_key="$(value_of PLATFORM_JWT_SIGNING_KEY)"

# User and password; the passwords are hex (make-env.sh), safe in a URI and a connection string as they are.
rabbitmq_uri() {
  local user="$1" password="$2"
  printf '%s' "amqp://$user:$password@$rabbitmq_host:5672/platform"
}

postgres_connection() {
  local user="$1" password="$2"
  printf '%s' "Host=$postgres_host;Port=5432;Database=platform;Username=$user;Password=$password"
}

mkdir -p "$output_dir"
# Written to a private temporary file first, then moved over the old one: never a half-written or readable file.
write_secret() {
  local target="$output_dir/$1.env" temporary
  temporary="$(umask 077 && mktemp "$output_dir/.$1.env.XXXXXX")"
  cat > "$temporary"
  chmod 600 "$temporary"
  mv -f "$temporary" "$target"
  echo "make-secrets.sh: wrote $target"
}

write_secret ingestion <<EOT
ConnectionStrings__Postgres=$(postgres_connection ingestion "$postgres_ingestion_password")
ConnectionStrings__RabbitMq=$(rabbitmq_uri ingestion "$rabbitmq_ingestion_password")
Auth__Jwt__SigningKey=$jwt_signing_key
EOT
write_secret extraction <<EOT
ConnectionStrings__RabbitMq=$(rabbitmq_uri extraction "$rabbitmq_extraction_password")
EOT
write_secret geocoding <<EOT
ConnectionStrings__RabbitMq=$(rabbitmq_uri geocoding "$rabbitmq_geocoding_password")
EOT
write_secret query <<EOT
ConnectionStrings__Postgres=$(postgres_connection query "$postgres_query_password")
ConnectionStrings__RabbitMq=$(rabbitmq_uri query "$rabbitmq_query_password")
Auth__Jwt__SigningKey=$jwt_signing_key
EOT
