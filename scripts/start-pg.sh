#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster (Debian's packages) on 127.0.0.1:PORT for the tests and
# the benchmark, with TLS (a self-signed CA made here with openssl), SCRAM-SHA-256 logins and
# one md5 login.
#   PGENV=$(scripts/start-pg.sh PORT STATE_DIR) && eval "$PGENV"   ...   scripts/stop-pg.sh STATE_DIR
# stdout: export lines (PG*, DATABASE_URL and INLET_TEST_PG_* for the tests); progress on stderr.
# The server's PID is kept in STATE_DIR/postgres.pid. Run as root (initdb runs as user postgres).
# Knobs: PG_DB (inlet), PG_USER (inlet), PG_PASSWORD (generated), PGBIN (newest installed).
set -euo pipefail
PORT=${1:?usage: start-pg.sh PORT STATE_DIR}
STATE=${2:?usage: start-pg.sh PORT STATE_DIR}
DB=${PG_DB:-inlet}; DBUSER=${PG_USER:-inlet}
DBPASS=${PG_PASSWORD:-pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
MD5PASS=md5-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
log() { echo "start-pg: $*" >&2; }

[[ $(id -u) -eq 0 ]] || { log "run as root (initdb runs as user postgres)"; exit 1; }
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || { log "PostgreSQL is not installed: apt-get install -y postgresql"; exit 1; }
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then log "port $PORT is in use"; exit 1; fi

mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
DATA=$STATE/data; SOCK=$STATE/sock; TLS=$STATE/tls
rm -rf "$DATA" "$SOCK" "$TLS"
mkdir -p "$DATA" "$SOCK" "$TLS"
# user postgres must reach the folder (a mktemp -d folder is 700).
chmod 755 "$STATE"
chown postgres:postgres "$DATA" "$SOCK"
chmod 700 "$DATA"
as_pg() { (cd "$STATE" && runuser -u postgres -- "$@"); }

# A CA, a server certificate for 127.0.0.1 and localhost signed by it, and a second CA that
# signed nothing (the verify-full test's wrong CA).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=inlet test CA" \
  -keyout "$TLS/ca.key" -out "$TLS/ca.pem" >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=some other CA" \
  -keyout "$TLS/other-ca.key" -out "$TLS/other-ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$TLS/server.key" -out "$TLS/server.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$TLS/san.ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -days 2 \
  -extfile "$TLS/san.ext" -out "$TLS/server.pem" >/dev/null 2>&1
install -o postgres -g postgres -m 600 "$TLS/server.key" "$SOCK/server.key"
install -o postgres -g postgres -m 644 "$TLS/server.pem" "$SOCK/server.pem"
chmod 644 "$TLS/ca.pem" "$TLS/other-ca.pem"

as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$STATE/initdb.log" 2>&1 \
  || { log "initdb failed:"; tail -n 20 "$STATE/initdb.log" >&2; exit 1; }
# The md5 user's line goes first: pg_hba.conf takes the first line that matches.
sed -i '1i host all inlet_md5 127.0.0.1/32 md5' "$DATA/pg_hba.conf"

# Test speed: no fsync. Only 127.0.0.1 and a private socket folder.
if ! as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$SOCK/postgres.log" -w -t 30 \
     -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c ssl=on -c ssl_cert_file=$SOCK/server.pem -c ssl_key_file=$SOCK/server.key -c max_connections=40" \
     start >"$STATE/pg_ctl.log" 2>&1; then
  log "pg_ctl start failed:"; tail -n 20 "$STATE/pg_ctl.log" "$SOCK/postgres.log" >&2 || true; exit 1
fi
head -n 1 "$DATA/postmaster.pid" >"$STATE/postgres.pid"

as_pg "$PGBIN/psql" -X -q -h "$SOCK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -v u="$DBUSER" -v p="$DBPASS" -v d="$DB" -v m="$MD5PASS" >/dev/null <<'SQL'
CREATE ROLE :"u" LOGIN PASSWORD :'p';
CREATE DATABASE :"d" OWNER :"u";
SET password_encryption = 'md5';
CREATE ROLE inlet_md5 LOGIN PASSWORD :'m';
GRANT ALL ON DATABASE :"d" TO inlet_md5;
SQL
PGPASSWORD="$DBPASS" "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$DBUSER" -d "$DB" -tAc 'select 1' >/dev/null \
  || { log "TCP password login failed"; exit 1; }

cat <<EOV
export PGHOST=127.0.0.1
export PGPORT=$PORT
export PGUSER='$DBUSER'
export PGPASSWORD='$DBPASS'
export PGDATABASE='$DB'
export DATABASE_URL='postgresql://$DBUSER:$DBPASS@127.0.0.1:$PORT/$DB'
export INLET_TEST_PG=1
export INLET_TEST_PG_BIN='$PGBIN'
export INLET_TEST_PG_CA='$TLS/ca.pem'
export INLET_TEST_PG_WRONG_CA='$TLS/other-ca.pem'
export INLET_TEST_PG_MD5_USER=inlet_md5
export INLET_TEST_PG_MD5_PASSWORD='$MD5PASS'
EOV
log "postgres PID $(cat "$STATE/postgres.pid") on 127.0.0.1:$PORT ($("$PGBIN/postgres" --version))"
