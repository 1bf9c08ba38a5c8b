/** Jest: ts-jest transpiles only (isolatedModules, no diagnostics); `npm run typecheck` does the strict type check once for all files. */
const os = require("os");

module.exports = {
  // Jest's default (cores - 1) is one worker on our 2-core machines and CI: most suites run the
  // program under mocks and wait on promises, so two workers take 163 s where one takes 509 s (measured on the same idle machine).
  maxWorkers: Math.max(2, os.cpus().length - 1),
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/.cache/", "<rootDir>/plan/"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
};
