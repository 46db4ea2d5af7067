import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

// Tests are named by kind: `*.test.ts` unit tests beside the code, `*.integration-test.ts` against a
// real database (and broker), `*.e2e.ts` in a real browser. Integration tests run on embedded PGlite
// always and on PostgreSQL too when TEST_DATABASE_URL points at a server (each run gets its own
// database, so runs never collide).
const postgresUrl = process.env.TEST_DATABASE_URL;
const sourceRoots = ["packages", "apps/inventory", "apps/demo", "firmware-bridge", "prisma", "test"];
const exclude = ["**/node_modules/**", "**/dist/**", "**/build/**", "**/.svelte-kit/**"];

const integration = (name: string, target: "pglite" | "postgres") => ({
  extends: true as const,
  test: {
    name,
    include: sourceRoots.map((root) => `${root}/**/*.integration-test.ts`),
    exclude,
    env: { TEST_DB: target },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    expect: { requireAssertions: true },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: sourceRoots.map((root) => `${root}/**/*.test.ts`),
          exclude,
        },
      },
      integration("integration-pglite", "pglite"),
      ...(postgresUrl ? [integration("integration-postgres", "postgres")] : []),
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.e2e.ts"],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      ...(existsSync("apps/store/vitest.config.ts") ? ["apps/store/vitest.config.ts"] : []),
    ],
  },
});
