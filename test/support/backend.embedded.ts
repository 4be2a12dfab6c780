// Integration suites in this project run on SQLite + the in-memory kv.
(globalThis as { __ANSHAO_BACKEND__?: string }).__ANSHAO_BACKEND__ = "embedded";
