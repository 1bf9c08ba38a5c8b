// ESLint flat config: the recommended TypeScript rules, with type-aware checks left to `tsc --strict`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".cache/**", "plan/**", "coverage/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // A ClusterSpec comes from buildSpec only (components/model/types.ts): product code may neither
    // brand data itself nor use the test-only path around validation.
    files: ["**/*.ts"],
    ignores: ["test/**", "components/model/buildSpec.ts", "components/model/specForTests.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/model/specForTests"], message: "test-only: product code gets a ClusterSpec from buildSpec" },
            { group: ["**/model/types", "./types"], importNames: ["brandSpec"], message: "only buildSpec brands a ClusterSpec" },
          ],
        },
      ],
    },
  },
);
