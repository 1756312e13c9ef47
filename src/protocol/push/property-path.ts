// Dot-separated property paths (appendix "Dot-separated property paths"): parsing with `\.` and `\\` escapes, and lookup.
import { isJsonObject, type JsonValue } from "../json-value";

/**
 * Splits a path into property names. Only `\.` and `\\` are escapes; any other backslash is kept
 * literally (the appendix reserves other sequences), so `\x` stays a backslash followed by `x`.
 */
export function parsePropertyPath(path: string): readonly string[] {
  const names: string[] = [];
  let current = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === "\\") {
      const next = path[i + 1];
      if (next === "." || next === "\\") {
        current += next;
        i++;
        continue;
      }
      current += c;
    } else if (c === ".") {
      names.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  names.push(current);
  return names;
}

/** The inverse of parsing for one name: escapes literal dots and backslashes only, as the appendix recommends. */
export const escapePropertyName = (name: string): string => name.replace(/[\\.]/g, (c) => `\\${c}`);

export const formatPropertyPath = (names: readonly string[]): string => names.map(escapePropertyName).join(".");

/** Walks objects only: a path never indexes into arrays, and an absent step yields undefined. */
export function lookupProperty(root: JsonValue, names: readonly string[]): JsonValue | undefined {
  let current: JsonValue = root;
  for (const name of names) {
    if (!isJsonObject(current) || !Object.hasOwn(current, name)) return undefined;
    const next: JsonValue | undefined = current[name];
    if (next === undefined) return undefined;
    current = next;
  }
  return current;
}

export const lookupPropertyPath = (root: JsonValue, path: string): JsonValue | undefined =>
  lookupProperty(root, parsePropertyPath(path));
