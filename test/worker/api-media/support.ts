// Helpers for the media route tests: an app over the test D1 and R2, raw-byte requests, and PNGs made here.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { createApp } from "../../../src/api/app";
import type { Env } from "../../../src/platform/env";
import { testServices } from "../../../src/platform/services";
import { type Call, register, type Registered, SERVER, testApp } from "../api-accounts/support";

export { SERVER };
export type { Registered };

export interface MediaResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Uint8Array;
  /** The body as JSON when it is JSON, else {}. */
  readonly json: Record<string, unknown>;
}

export interface RawOptions {
  readonly token?: string;
  readonly body?: BodyInit;
  readonly headers?: Record<string, string>;
  /** Overrides of the worker's vars (e.g. MAX_UPLOAD_BYTES). */
  readonly env?: Partial<Env>;
}

export type Raw = (method: string, path: string, options?: RawOptions) => Promise<MediaResponse>;

/** A JSON caller (registration) and a raw caller (bytes in and out) over one server name. */
export function mediaApp(options: { nowMs?: number } = {}): { call: Call; raw: Raw } {
  const call = testApp(options.nowMs === undefined ? {} : { nowMs: options.nowMs });
  const app = createApp({
    services: testServices({ config: { serverName: SERVER, registration: "open" }, ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }) }),
  });
  const raw: Raw = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers["Authorization"] = `Bearer ${opts.token}`;
    const init: RequestInit = { method, headers, ...(opts.body === undefined ? {} : { body: opts.body }) };
    const res = await app.request(path, init, { ...env, ...opts.env });
    const bytes = new Uint8Array(await res.arrayBuffer());
    let json: Record<string, unknown> = {};
    if ((res.headers.get("Content-Type") ?? "").startsWith("application/json")) json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    return { status: res.status, headers: res.headers, bytes, json };
  };
  return { call, raw };
}

export const newUser = (call: Call): Promise<Registered> => register(call);

export function expectError(res: MediaResponse, status: number, errcode: string): void {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json["errcode"]).toBe(errcode);
}

/** POST /upload; returns the media ID of the mxc:// URI. */
export async function upload(raw: Raw, user: Registered, body: BodyInit, contentType?: string, filename?: string): Promise<string> {
  const query = filename === undefined ? "" : `?filename=${encodeURIComponent(filename)}`;
  const res = await raw("POST", `/_matrix/media/v3/upload${query}`, {
    token: user.accessToken,
    body,
    ...(contentType === undefined ? {} : { headers: { "Content-Type": contentType } }),
  });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  const uri = res.json["content_uri"] as string;
  expect(uri.startsWith(`mxc://${SERVER}/`)).toBe(true);
  return uri.slice(`mxc://${SERVER}/`.length);
}

export const downloadPath = (mediaId: string, rest = ""): string => `/_matrix/client/v1/media/download/${SERVER}/${mediaId}${rest}`;
export const thumbnailPath = (mediaId: string, query: string): string => `/_matrix/client/v1/media/thumbnail/${SERVER}/${mediaId}?${query}`;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const randomBytes = (n: number): Uint8Array => {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
  return bytes;
};

// --- a minimal PNG encoder (RGB, 8 bits, no filter), so tests need no image library ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function zlib(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A width x height PNG with a colour gradient. */
export async function makePng(width: number, height: number): Promise<Uint8Array> {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const base = y * (1 + width * 3);
    for (let x = 0; x < width; x++) rows.set([x % 256, y % 256, 128], base + 1 + x * 3);
  }
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", await zlib(rows)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The width and height from a PNG's IHDR. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
