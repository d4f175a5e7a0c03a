import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The layers (README, Architecture): app/ is the door and may use everything
// below it; components/ are UI and take from lib/ only types and the few
// modules that hold no server code; lib/ never reaches up into app/ or
// components/, and only lib/http knows HTTP; lib/docker is the bottom and talks
// only to engines; cli/ is a client of the HTTP API and imports none of them. Import cycles are refused by scripts/check-import-cycles.ts.
const upward = [
  { group: ["@/app", "@/app/*"], message: "lib/ is below app/: move what both need into lib/." },
  { group: ["@/components", "@/components/*"], message: "lib/ is below components/: pass data, not UI." },
];

const doorless = { group: ["@/lib/http", "@/lib/http/*"], message: "The domain does not know its doors: throw a DomainError (lib/domain-error.ts); lib/http maps it to HTTP." };
const layers = [
  {
    files: ["lib/**/*.{ts,tsx}"],
    ignores: ["lib/http/**", "lib/engines/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            ...upward,
            doorless,
            {
              group: ["@/lib/docker/engine"],
              importNames: ["getDefaultEngine"],
              message: "Which engine work runs on is lib/engines' choice: take defaultEngine() or engineClient() from lib/engines/engine-clients.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/engines/**/*.{ts,tsx}"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [...upward, doorless] }] },
  },
  {
    files: ["lib/http/**/*.{ts,tsx}"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: upward }] },
  },
  {
    files: ["lib/docker/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            ...upward,
            {
              regex: "^@/lib/(?!docker/|env$|domain-error$|vocabulary$|host/child-env$)",
              message: "lib/docker is the bottom layer: it talks to engines and knows nothing of the database, records, registries or pages.",
            },
          ],
        },
      ],
    },
  },
  {
    // Every concern logs and counts: these two lean on nothing of lib/ but its configuration.
    files: ["lib/log/**/*.{ts,tsx}", "lib/metrics/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [...upward, { regex: "^@/lib/(?!env$|log/|metrics/)", message: "lib/log and lib/metrics are below every concern: they import only lib/env." }] },
      ],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/app", "@/app/*"], message: "components/ are below app/." },
            {
              // Types are erased: a component may name what the server sends it.
              regex: "^@/lib/(?!vocabulary$|bundles/bundle-schemas$|driver-images/layer-limit$|driver-images/driver-image-name$)",
              allowTypeImports: true,
              message: "components/ hold no database or engine code: import types only, or the shared vocabulary (lib/vocabulary.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/db", "@/lib/db/*", "@/lib/docker", "@/lib/docker/*"], allowTypeImports: true, message: "app/ is a thin door: the database and the engines are reached through lib/<concern>/." }] },
      ],
    },
  },
  {
    // The command line is a client of the HTTP API: it runs on CI machines, far from the database and the engines.
    files: ["cli/**/*.ts", "bin/**/*.mjs"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(@/|\\.\\./(lib|app|components)/)", message: "cli/ talks to kobuild over HTTP only: no lib/, app/ or components/." }] },
      ],
    },
  },
];

const config = [
  ...next,
  ...nextTs,
  ...layers,
  { ignores: [".next/**", "node_modules/**", "data/**", "sample/**", "drizzle/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
];
export default config;
