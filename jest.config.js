/** Jest: ts-jest transpiles only; `npm run typecheck` does the strict type check once for all files. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/components", "<rootDir>/tools", "<rootDir>/policy"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true }] },
  testTimeout: 60000,
};
