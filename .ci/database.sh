# Sourced by .ci/run: makes sure a MariaDB answers on 127.0.0.1:3306, then exports the variables
# under which the database suites run against it and fail (never skip) when it is missing.
db_ping() { mysqladmin --user=root --host=127.0.0.1 --port=3306 ping >/dev/null 2>&1; }

if ! db_ping; then
  if [ ! -x /usr/sbin/mariadbd ]; then
    echo "ci: installing mariadb-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client >/dev/null
  fi
  echo "ci: starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do db_ping && break; sleep 1; done
fi
db_ping || { echo "ci: MariaDB did not come up on 127.0.0.1:3306" >&2; exit 1; }
echo "ci: $(mysql --user=root --host=127.0.0.1 -N -e 'SELECT VERSION()')"

# Each suite creates and drops its own scratch databases on this server.
export E2E_MYSQL_URL="mysql://root@127.0.0.1:3306"
export REQUIRE_MYSQL=1
