// Runs a replay behind an HTTP response that streams its progress as NDJSON lines.
import { replayReadModels, type ReplayDeps, type ReplayProgress } from "./replay";

export type ReplayLine =
  | { readonly progress: ReplayProgress }
  | { readonly done: ReplayProgress }
  | { readonly error: string };

/**
 * For an admin-only route (the caller checks who may call it: replay empties every read model)
 * and for `npm run replay`. `finished` settles when the replay ends; hand it to ctx.waitUntil.
 */
export function replayResponse(deps: Omit<ReplayDeps, "onProgress">): { response: Response; finished: Promise<void> } {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  // Progress arrives faster than a slow reader drains: writes are chained, never awaited inline.
  let writes: Promise<void> = Promise.resolve();
  const send = (line: ReplayLine): void => {
    writes = writes.then(() => writer.write(encoder.encode(`${JSON.stringify(line)}\n`))).catch(() => {});
  };
  const finished = replayReadModels({ ...deps, onProgress: (progress) => send({ progress }) })
    .then((done) => send({ done }))
    .catch((e: unknown) => send({ error: e instanceof Error ? e.message : String(e) }))
    .then(() => writes)
    .then(() => writer.close())
    .catch(() => {});
  const response = new Response(readable, { headers: { "content-type": "application/x-ndjson" } });
  return { response, finished };
}
