#!/usr/bin/env bash
# Start the services the test suite talks to, if they are installed here but not running:
# PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379. Never stops anything.
set -euo pipefail

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

wait_for() {
  local name=$1 check=$2
  for _ in $(seq 1 30); do "$check" && return 0; sleep 1; done
  echo "ensure-services: $name did not come up" >&2
  return 1
}

if ! postgres_up; then
  if command -v pg_ctlcluster >/dev/null; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "ensure-services: starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_for PostgreSQL postgres_up
  else
    echo "ensure-services: PostgreSQL is not running and not installed here;" \
      "its tests will fail (CI) or be skipped (locally)" >&2
  fi
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "ensure-services: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    wait_for Redis redis_up
  else
    echo "ensure-services: Redis is not running and not installed here" >&2
  fi
fi
