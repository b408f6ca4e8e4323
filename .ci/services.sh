#!/usr/bin/env bash
# Checks that PostgreSQL, MariaDB and Redis respond on 127.0.0.1 and starts any that does not.
# The SQL and Redis test suites run against these servers.
set -uo pipefail

wait_for() {
  local name=$1 check=$2
  for _ in $(seq 1 30); do
    if eval "$check" >/dev/null 2>&1; then echo "services: $name is up"; return 0; fi
    sleep 1
  done
  echo "services: $name did not come up within 30 seconds" >&2
  return 1
}

postgres_up='pg_isready -h 127.0.0.1 -p 5432 -q'
mariadb_up='mariadb-admin --host=127.0.0.1 --port=3306 --user=root ping'
redis_up='redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'

if ! eval "$postgres_up" >/dev/null 2>&1; then
  echo 'services: starting PostgreSQL'
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
if ! eval "$mariadb_up" >/dev/null 2>&1; then
  echo 'services: starting MariaDB'
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
if ! eval "$redis_up" >/dev/null 2>&1; then
  echo 'services: starting Redis'
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

status=0
wait_for PostgreSQL "$postgres_up" || status=1
wait_for MariaDB "$mariadb_up" || status=1
wait_for Redis "$redis_up" || status=1

# The test database must exist on both SQL servers.
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE test' || status=1
mariadb --host=127.0.0.1 --user=root -e 'CREATE DATABASE IF NOT EXISTS test' || status=1
exit $status
