#!/usr/bin/env bash
# Writes the .env that docker-compose.yml reads its secrets from: a random password for every PostgreSQL and RabbitMQ
# user, the RabbitMQ password hashes the broker's definitions need, the API key the services send to the dashboard, and
# Grafana's administrator password.
#
#   deploy/docker/make-env.sh [file]      # default: .env next to docker-compose.yml
#
# The file is created with mode 600 and never overwritten: the PostgreSQL roles get their passwords only when the
# database volume is first initialised, so a new .env for an existing volume would lock the services out. To start
# afresh, remove the file and the volumes together (docker compose down -v, which deletes the stored data).
# Needs bash and openssl. Passwords are hex, so they are safe inside URIs and connection strings as they are.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:-$(cd "$script_dir/../.." && pwd)/.env}"

if ! command -v openssl >/dev/null 2>&1; then
  echo "make-env.sh: openssl is required (random values and SHA-256)" >&2
  exit 1
fi
if [[ -e "$target" ]]; then
  echo "make-env.sh: $target already exists; it is left as it is (remove it, and the volumes it was used with, to start afresh)" >&2
  exit 1
fi

# 192 random bits as 48 hex digits.
random_secret() {
  openssl rand -hex 24
}

# Raw bytes of a hex string (bash's printf understands \xHH).
hex_bytes() {
  printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}

# RabbitMQ's rabbit_password_hashing_sha256 is base64(salt || SHA-256(salt || password)), with a 4-byte random salt.
# The bytes only ever travel through pipes, so a salt holding a NUL byte stays intact.
rabbitmq_password_hash() {
  local salt
  salt="$(openssl rand -hex 4)"
  { hex_bytes "$salt"; { hex_bytes "$salt"; printf '%s' "$1"; } | openssl dgst -sha256 -binary; } | openssl base64 -A
}

postgres_password="$(random_secret)"
postgres_ingestion_password="$(random_secret)"
postgres_query_password="$(random_secret)"
rabbitmq_admin_password="$(random_secret)"
rabbitmq_ingestion_password="$(random_secret)"
rabbitmq_extraction_password="$(random_secret)"
rabbitmq_geocoding_password="$(random_secret)"
rabbitmq_query_password="$(random_secret)"
dashboard_otlp_api_key="$(random_secret)"
grafana_admin_password="$(random_secret)"

# Created empty first, with no access for others, and refused if it appeared meanwhile (noclobber).
(umask 077 && set -o noclobber && : > "$target")
chmod 600 "$target"
cat >> "$target" <<EOF
# Secrets of the docker-compose setup, written by deploy/docker/make-env.sh on $(date -u +%Y-%m-%d). Not committed
# (.gitignore); keep it private. The PostgreSQL passwords take effect when the database volume is first initialised,
# the RabbitMQ ones at every broker start (its definitions are imported then). Each *_HASH belongs to the password
# above it.

# PostgreSQL superuser "postgres": used only by the initialisation script that creates the service roles.
POSTGRES_PASSWORD=$postgres_password
# Login roles of the services that keep data, each owning only its own schema.
POSTGRES_INGESTION_PASSWORD=$postgres_ingestion_password
POSTGRES_QUERY_PASSWORD=$postgres_query_password

# RabbitMQ "admin": the management UI on 127.0.0.1:15672 only; no service uses it.
RABBITMQ_ADMIN_PASSWORD=$rabbitmq_admin_password
RABBITMQ_ADMIN_PASSWORD_HASH=$(rabbitmq_password_hash "$rabbitmq_admin_password")
# One broker user per service, with rights on the "platform" virtual host only.
RABBITMQ_INGESTION_PASSWORD=$rabbitmq_ingestion_password
RABBITMQ_INGESTION_PASSWORD_HASH=$(rabbitmq_password_hash "$rabbitmq_ingestion_password")
RABBITMQ_EXTRACTION_PASSWORD=$rabbitmq_extraction_password
RABBITMQ_EXTRACTION_PASSWORD_HASH=$(rabbitmq_password_hash "$rabbitmq_extraction_password")
RABBITMQ_GEOCODING_PASSWORD=$rabbitmq_geocoding_password
RABBITMQ_GEOCODING_PASSWORD_HASH=$(rabbitmq_password_hash "$rabbitmq_geocoding_password")
RABBITMQ_QUERY_PASSWORD=$rabbitmq_query_password
RABBITMQ_QUERY_PASSWORD_HASH=$(rabbitmq_password_hash "$rabbitmq_query_password")

# The key the services send (x-otlp-api-key) when they export telemetry to the dashboard.
DASHBOARD_OTLP_API_KEY=$dashboard_otlp_api_key

# Grafana "admin": the dashboards on 127.0.0.1:3000.
GRAFANA_ADMIN_PASSWORD=$grafana_admin_password

# The key Ingestion and Query check access tokens with (HMAC-SHA256); sign tokens with it:
#   PLATFORM_JWT_SIGNING_KEY=... platform token --scopes submit,read
PLATFORM_JWT_SIGNING_KEY=$(random_secret)
EOF
echo "make-env.sh: wrote $target"
