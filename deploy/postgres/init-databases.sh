#!/bin/sh
# Creates one database per service that keeps state in PostgreSQL (model-registry, cloud-teacher),
# each owned by a login role of its own, so that no service can read another's tables. The official
# postgres image runs this once, when its data volume is empty (/docker-entrypoint-initdb.d).
set -eu

: "${REGISTRY_DB_PASSWORD:?REGISTRY_DB_PASSWORD must be set (see .env.example)}"
: "${TEACHER_DB_PASSWORD:?TEACHER_DB_PASSWORD must be set (see .env.example)}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v registry_password="$REGISTRY_DB_PASSWORD" \
  -v teacher_password="$TEACHER_DB_PASSWORD" <<'SQL'
CREATE ROLE registry LOGIN PASSWORD :'registry_password';
CREATE DATABASE registry OWNER registry;
REVOKE ALL ON DATABASE registry FROM PUBLIC;

CREATE ROLE teacher LOGIN PASSWORD :'teacher_password';
CREATE DATABASE teacher OWNER teacher;
REVOKE ALL ON DATABASE teacher FROM PUBLIC;
SQL
