import path from "node:path";
import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        { test: { name: "unit", environment: "node", include: ["test/unit/**/*.test.ts"] } },
        {
          plugins: [
            cloudflareTest({
              main: "./src/worker.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
            }),
          ],
          test: {
            name: "worker",
            include: ["test/worker/**/*.test.ts"],
            setupFiles: ["./test/worker/apply-migrations.ts"],
          },
        },
        {
          // Starts the real server (`node scripts/start.mjs`): slow, so the timeouts are long.
          // After the other projects, one file at a time: the end-to-end latency checks (typing and
          // receipts within 1 s) measure the server, not a machine busy with workerd test pools.
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            sequence: { groupOrder: 1 },
            fileParallelism: false,
            testTimeout: 180_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  };
});
