// The house rules that keep the layering honest: dependencies point inward, nothing imports the
// server, only the trading service writes the trading tables, and no promise is dropped.
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import reactHooks from "eslint-plugin-react-hooks";

/** Every folder but the two outer shells (server and cli), which may import them. */
const INNER = ["agents", "app", "book", "core", "db", "engine", "events", "feeds", "market", "scheduler", "trading", "venues", "copy", "backtest"].map((f) => `./src/${f}`);

const TRADING_TABLES = "^(orders|fills|ledger|venueOrders)$";

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "data/**", "web/dist/**", "coverage/**"] },
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["./tsconfig.json", "./web/tsconfig.json"], noWarnOnMultipleProjects: true })],
      "import-x/extensions": [".ts", ".tsx", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            // Pure domain and the matching engine import nothing of the rest.
            { target: "./src/core", from: "./src", except: ["./core"], message: "core is pure: it imports nothing else of the project" },
            { target: "./src/book", from: "./src", except: ["./book", "./core"], message: "book imports only core" },
            // Contracts live with the code that owns them: nothing imports the HTTP layer or the CLI.
            { target: INNER, from: "./src/server", message: "nothing imports server: move the contract to the code that owns it" },
            { target: [...INNER, "./src/server"], from: "./src/cli", message: "nothing imports cli" },
          ],
        },
      ],
    },
  },
  {
    // Only trading (and the database's own migrations and tooling) writes the trading tables.
    files: ["src/**/*.ts"],
    ignores: ["src/trading/**", "src/db/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: `CallExpression[callee.property.name=/^(insert|update|delete)$/][arguments.0.name=/${TRADING_TABLES}/]`,
          message: "only src/trading writes orders, fills, ledger and venue orders",
        },
      ],
    },
  },
  {
    // One clock: domain time comes from the Clock port, never from the wall directly.
    files: ["src/**/*.ts"],
    ignores: ["src/core/clock.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "Date", property: "now", message: "use the Clock port (src/core/clock.ts)" }],
    },
  },
  {
    // The dashboard: React's rules of hooks; it reaches the server only through the API (types excepted).
    files: ["web/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/src/**", "!**/src/app/services.ts", "!**/src/events/events.ts", "!**/src/market/market-ticks.ts"],
              allowTypeImports: true,
              message: "the dashboard talks to the server through the API; only type imports of its contracts",
            },
          ],
        },
      ],
    },
  },
);
