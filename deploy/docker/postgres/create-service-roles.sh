#!/usr/bin/env bash
# Creates the login roles of the services that keep data in PostgreSQL, each the owner of its own schema and nothing else.
# The postgres image runs it once, from /docker-entrypoint-initdb.d, when the data volume is first initialised, as the
# superuser POSTGRES_USER on the database POSTGRES_DB; the services never use the superuser.
#
#   ingestion  owns schema ingestion  (Marten__Schema of the Ingestion service)
#   query      owns schema query      (Marten__Schema of the Query service)
#
# No role is a superuser or may create databases, roles or other schemas; each may connect to POSTGRES_DB only and uses
# its schema alone (search_path). Marten creates its tables and functions inside the schema at start, which its owner
# may do. Nobody else may use the public schema or connect to the database.
#
# Passwords come from the environment (POSTGRES_INGESTION_PASSWORD, POSTGRES_QUERY_PASSWORD, set by docker-compose.yml
# from .env) and are read by psql itself (\getenv), so they never appear on a command line. The role names can be
# changed with POSTGRES_INGESTION_USER and POSTGRES_QUERY_USER (the deployment tests use unique names, roles being shared
# by the whole server). Connection settings other than user and database come from the usual PG* variables.
set -euo pipefail

: "${POSTGRES_USER:?POSTGRES_USER is not set}"
: "${POSTGRES_DB:?POSTGRES_DB is not set}"
: "${POSTGRES_INGESTION_PASSWORD:?POSTGRES_INGESTION_PASSWORD is not set (run deploy/docker/make-env.sh)}"
: "${POSTGRES_QUERY_PASSWORD:?POSTGRES_QUERY_PASSWORD is not set (run deploy/docker/make-env.sh)}"

psql --no-psqlrc --no-password --quiet --set ON_ERROR_STOP=1 \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set ingestion_role="${POSTGRES_INGESTION_USER:-ingestion}" \
  --set query_role="${POSTGRES_QUERY_USER:-query}" <<'SQL'
-- An error names its position only, not the statement (which would show a password in the container's log), and the
-- server does not log a failed statement either.
\set VERBOSITY terse
set log_min_error_statement = panic;
set log_statement = none;
\getenv ingestion_password POSTGRES_INGESTION_PASSWORD
\getenv query_password POSTGRES_QUERY_PASSWORD

begin;
revoke all on database :"DBNAME" from public;
revoke all on schema public from public;

create role :"ingestion_role" login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'ingestion_password';
grant connect on database :"DBNAME" to :"ingestion_role";
create schema ingestion authorization :"ingestion_role";
alter role :"ingestion_role" in database :"DBNAME" set search_path = ingestion;

create role :"query_role" login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'query_password';
grant connect on database :"DBNAME" to :"query_role";
create schema query authorization :"query_role";
alter role :"query_role" in database :"DBNAME" set search_path = query;
commit;
SQL
echo "create-service-roles.sh: roles ${POSTGRES_INGESTION_USER:-ingestion} and ${POSTGRES_QUERY_USER:-query} created in database $POSTGRES_DB"
