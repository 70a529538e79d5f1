#!/bin/bash
# First start: creates the data directory, then lets mariadbd run the setup SQL (--init-file)
# before it accepts connections, so nothing can connect to a half-initialised server.
set -euo pipefail
if [ "${1:0:1}" = "-" ]; then set -- mariadbd "$@"; fi
if [ "$1" != "mariadbd" ]; then exec "$@"; fi
# Every interface (Debian's configuration says 127.0.0.1); a later --bind-address argument wins.
shift
set -- mariadbd --bind-address=0.0.0.0 "$@"

database="${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}"
user="${MARIADB_USER:-${MYSQL_USER:-}}"
password="${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}"
root_password="${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}"
allow_empty="${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}"
sql_string() { local value="${1//\\/\\\\}"; printf "'%s'" "${value//\'/\\\'}"; }
sql_name() { printf '`%s`' "${1//\`/\`\`}"; }

if [ ! -d /var/lib/mysql/mysql ]; then
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    echo "entrypoint: set MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD), or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 for a root without password" >&2
    exit 1
  fi
  mariadb-install-db --datadir=/var/lib/mysql --skip-test-db --auth-root-authentication-method=normal >/dev/null
  init=/run/mysqld/init.sql
  {
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$root_password");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
    if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$database");"; fi
    if [ -n "$user" ]; then
      echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
      if [ -n "$database" ]; then echo "GRANT ALL ON $(sql_name "$database").* TO $(sql_string "$user")@'%';"; fi
    fi
  } >"$init"
  set -- "$@" --init-file="$init"
fi
exec "$@"
