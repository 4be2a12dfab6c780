// Unit tests, then the integration suites on the embedded defaults and — when TEST_MYSQL_URL and
// TEST_REDIS_URL are set — again on MariaDB + Redis. Type checking is `npm run typecheck`'s job,
// so ts-jest only transpiles here.
const transform = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };
const base = { testEnvironment: "node", transform, rootDir: __dirname, setupFiles: ["reflect-metadata"] };

const mysql = process.env.TEST_MYSQL_URL;
const redis = process.env.TEST_REDIS_URL;
if (Boolean(mysql) !== Boolean(redis)) {
  throw new Error("TEST_MYSQL_URL 与 TEST_REDIS_URL 须同时设置（或都不设置）");
}

const integration = (name, backend) => ({
  ...base,
  displayName: `integration:${name}`,
  testMatch: ["<rootDir>/test/integration/**/*.int.test.ts"],
  setupFiles: [...base.setupFiles, `<rootDir>/test/support/backend.${backend}.ts`],
});

// Three app processes (built once by globalSetup) on one MariaDB database and one Redis prefix,
// behind the fake WeChat Work: only with MariaDB + Redis, as a fleet never runs on SQLite.
const cluster = {
  ...base,
  displayName: "cluster",
  testMatch: ["<rootDir>/test/cluster/**/*.cluster.test.ts"],
  globalSetup: "<rootDir>/test/cluster/build.ts",
  setupFiles: [...base.setupFiles, "<rootDir>/test/support/backend.mysql.ts"],
};

module.exports = {
  testTimeout: 30000,
  // Run the files in a worker that is replaced once it holds more than 1 GB after a file. On a
  // two-core machine jest would otherwise run ~260 files in its own process, and what each file
  // leaves behind (TypeORM metadata, ts-jest caches, module registries) outgrows the 4 GB heap.
  workerIdleMemoryLimit: "1GB",
  projects: [
    { ...base, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    integration("embedded", "embedded"),
    ...(mysql ? [integration("mariadb+redis", "mysql"), cluster] : []),
  ],
};
