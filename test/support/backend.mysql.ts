// Integration suites in this project run on MariaDB (TEST_MYSQL_URL) + Redis (TEST_REDIS_URL).
(globalThis as { __ANSHAO_BACKEND__?: string }).__ANSHAO_BACKEND__ = "mysql";
