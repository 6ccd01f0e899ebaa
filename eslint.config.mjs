import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const importBan = (patterns, message) => ({
  "no-restricted-imports": [
    "error",
    { patterns: [{ group: patterns, message, allowTypeImports: true }] },
  ],
});

export default tseslint.config(
  { ignores: ["dist/", "reports/", "node_modules/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // The stand-ins are written from Intercom's and Hull's documentation, never from our code.
    files: ["sandbox/**/*.ts"],
    rules: importBan(
      ["**/server/**", "**/client/**"],
      "The sandbox follows the vendors' docs: it must not import the connector or the plugin.",
    ),
  },
  {
    files: [
      "server/**/mapping/**/*.ts",
      "server/**/filter/**/*.ts",
      "client/mapping/**/*.ts",
      "common/**/*.ts",
      // Pure planning beside its flows: which segments to extract, and the callback they need.
      "server/segment-members/plan-member-extracts.ts",
    ],
    // Patterns are gitignore-style (ESLint uses the `ignore` package): a later "!" pattern
    // re-allows, so `clients/**/types` modules stay importable; type-only imports always are.
    // test/lint/purity-rule.test.ts lints probe files so this rule cannot silently match nothing.
    rules: importBan(
      [
        "**/clients/**",
        "!**/clients/**/types",
        "**/http/**",
        "koa",
        "koa/*",
        "pino",
        "node:*",
        "http",
        "https",
        "fs",
        "fs/*",
        "net",
        "child_process",
        "**/log",
        "**/log.*",
      ],
      "Mapping is pure: take data in, return data. Move I/O to the flow that calls it.",
    ),
  },
  {
    files: ["server/**/*.ts"],
    ignores: ["server/config.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Only server/config.ts reads the environment.",
        },
      ],
    },
  },
  {
    files: ["e2e/**/*.ts"],
    rules: importBan(
      ["**/server/**", "**/client/**"],
      "e2e drives the product from outside: use sandbox scenarios and builders.",
    ),
  },
);
