// Enforces the layer rule of DESIGN.md by reading every import in src/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../../src");

type Layer =
  | "protocol"
  | "commands"
  | "durable"
  | "projections"
  | "readmodels"
  | "accounts"
  | "api"
  | "platform"
  | "root";

/** Which layers (and packages) each layer may import. `durable-client` means durable/*-client.ts only. */
const ALLOWED: Record<Layer, { layers: readonly (Layer | "durable-client")[]; packages: readonly RegExp[] }> = {
  protocol: { layers: ["protocol"], packages: [/^@noble\/(curves|hashes)\//, /^effect$/] },
  commands: { layers: ["commands", "protocol"], packages: [/^effect$/] },
  durable: { layers: ["durable", "commands", "protocol", "platform"], packages: [/^effect$/, /^cloudflare:workers$/] },
  // Projections read the log entry schema from commands/ (pure data); they never call decide.
  projections: { layers: ["projections", "commands", "protocol", "platform"], packages: [/^effect$/] },
  readmodels: { layers: ["readmodels", "protocol", "platform"], packages: [/^effect$/] },
  // Accounts, devices and tokens are plain D1 records, not event-sourced (see docs/ARCHITECTURE.md).
  accounts: { layers: ["accounts", "protocol", "platform"], packages: [/^effect$/, /^@noble\/hashes\//] },
  api: {
    layers: ["api", "readmodels", "accounts", "protocol", "platform", "durable-client"],
    packages: [/^effect$/, /^hono(\/.*)?$/],
  },
  platform: { layers: ["platform", "protocol"], packages: [/^effect$/, /^cloudflare:workers$/] },
  root: {
    layers: ["protocol", "commands", "durable", "projections", "readmodels", "accounts", "api", "platform", "root"],
    packages: [/^effect$/, /^hono(\/.*)?$/, /^cloudflare:workers$/],
  },
};

/**
 * Type-only exceptions: the binding types name the Durable Object classes so RPC stubs are typed.
 * Erased at build time, so no runtime dependency runs against the rule.
 */
const TYPE_ONLY_EXCEPTIONS: Record<string, readonly Layer[]> = { "platform/env.ts": ["durable"] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith(".ts") ? [full] : [];
  });
}

function layerOf(file: string): Layer {
  const first = path.relative(SRC, file).split(path.sep)[0]!;
  return (first.endsWith(".ts") ? "root" : first) as Layer;
}

const IMPORT = /(?:^|\n)\s*((?:import|export)\s(?:type\s)?)[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsWithKind(text: string): { spec: string; typeOnly: boolean }[] {
  return [...text.matchAll(IMPORT)].map((m) => ({ spec: (m[2] ?? m[3])!, typeOnly: /type\s$/.test(m[1] ?? "") }));
}

export function importsOf(text: string): string[] {
  return importsWithKind(text).map((i) => i.spec);
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = layerOf(file);
    const rule = ALLOWED[layer];
    if (!rule) {
      found.push(`${path.relative(SRC, file)}: unknown layer "${layer}"`);
      continue;
    }
    const relative = path.relative(SRC, file).split(path.sep).join("/");
    for (const { spec, typeOnly } of importsWithKind(readFileSync(file, "utf8"))) {
      const where = `${path.relative(SRC, file)} imports ${spec}`;
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(SRC + path.sep)) {
          found.push(`${where}: outside src/`);
          continue;
        }
        const targetLayer = layerOf(target.endsWith(".ts") ? target : `${target}.ts`);
        const isClient = targetLayer === "durable" && /-client$/.test(target.replace(/\.ts$/, ""));
        const ok =
          rule.layers.includes(targetLayer) ||
          (isClient && rule.layers.includes("durable-client")) ||
          (typeOnly && (TYPE_ONLY_EXCEPTIONS[relative] ?? []).includes(targetLayer));
        if (!ok) found.push(`${where}: ${layer} may not import ${targetLayer}`);
        if (spec.includes("/api/") && layer !== "root" && layer !== "api") found.push(`${where}: nothing imports api/`);
      } else if (!rule.packages.some((p) => p.test(spec))) {
        found.push(`${where}: package not allowed in ${layer}`);
      }
    }
  }
  return found;
}

describe("layer rule", () => {
  it("every import in src/ follows DESIGN.md's layer rule", () => {
    expect(violations()).toEqual([]);
  });

  it("protocol/ has no I/O, clock or randomness", () => {
    // An injected lookup may be called `fetch`; the global one is caught by the ban on Promise/await.
    const banned =
      /\b(globalThis\.fetch|Date\.now|new Date|performance\.now|Math\.random|crypto\.|setTimeout|setInterval|Promise|async|await)\b/;
    const offenders = sourceFiles(path.join(SRC, "protocol")).filter((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .some((line) => !/^\s*(\/\/|\/\*|\*)/.test(line) && banned.test(line)),
    );
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
  });

  it("protocol/ imports only effect's Schema from effect", () => {
    const offenders = sourceFiles(path.join(SRC, "protocol")).filter((f) => {
      const text = readFileSync(f, "utf8");
      return /import\s*\{([^}]*)\}\s*from\s*["']effect["']/.test(text) &&
        [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']effect["']/g)].some((m) =>
          m[1]!.split(",").map((s) => s.trim().replace(/^type\s+/, "")).some((n) => n !== "" && n !== "Schema"),
        );
    });
    expect(offenders).toEqual([]);
  });

  it("the scanner sees static, re-export and dynamic imports", () => {
    expect(importsOf(`import { a } from "./x";\nexport * from "../y";\nconst m = import("z");`)).toEqual([
      "./x",
      "../y",
      "z",
    ]);
  });
});
