// Applies the D1 migrations to the test database before each test file.
import { applyD1Migrations, env } from "cloudflare:test";

const testEnv = env as unknown as { DB: D1Database; TEST_MIGRATIONS: D1Migration[] };
await applyD1Migrations(testEnv.DB, testEnv.TEST_MIGRATIONS);
