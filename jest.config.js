/** Jest: ts-jest transpiles only (isolatedModules, no diagnostics); `npm run typecheck` does the strict type check once for all files. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/.cache/", "<rootDir>/plan/"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
};
