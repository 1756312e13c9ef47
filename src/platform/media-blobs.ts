// Media bytes in R2, named by the sha256 of their content, so equal uploads share one object.
//
// The key is known only once every byte is hashed. With a declared length the body streams into a
// temporary object while DigestStream hashes the same bytes (memory stays flat whatever the size);
// then the temporary object is copied to its sha256 name, unless that object already exists
// (deduplication), and deleted. Without a declared length (chunked upload) R2 cannot take a stream,
// so the body is read into memory up to the size limit and stored directly.
import { readStreamLimited } from "./bounded-read";

export type StoreOutcome =
  | { readonly ok: true; readonly sha256: string; readonly size: number }
  | { readonly ok: false; readonly reason: "too_large" | "unreadable" };

const toHex = (bytes: ArrayBuffer): string => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** The object key of content with this sha256 (hex). */
export const blobKey = (sha256: string): string => `sha256/${sha256}`;

/** The object key of a cached thumbnail of content with this sha256. */
export const thumbnailKey = (sha256: string, method: string, width: number, height: number): string =>
  `thumbnail/${sha256}/${method}-${width}x${height}`;

export async function storeBlob(
  bucket: R2Bucket,
  body: ReadableStream<Uint8Array> | null,
  declaredLength: number | undefined,
  maxBytes: number,
): Promise<StoreOutcome> {
  if (declaredLength !== undefined && declaredLength > maxBytes) return { ok: false, reason: "too_large" };
  if (body === null || declaredLength === 0) return storeBuffered(bucket, new Uint8Array(0));
  if (declaredLength === undefined) {
    const read = await readUpTo(body, maxBytes);
    return read === "too_large" ? { ok: false, reason: "too_large" } : storeBuffered(bucket, read);
  }
  return storeStreamed(bucket, body, declaredLength);
}

async function storeBuffered(bucket: R2Bucket, bytes: Uint8Array): Promise<StoreOutcome> {
  const sha256 = toHex(await crypto.subtle.digest("SHA-256", bytes));
  if ((await bucket.head(blobKey(sha256))) === null) await bucket.put(blobKey(sha256), bytes);
  return { ok: true, sha256, size: bytes.byteLength };
}

async function storeStreamed(bucket: R2Bucket, body: ReadableStream<Uint8Array>, length: number): Promise<StoreOutcome> {
  const temporary = `upload/${crypto.randomUUID()}`;
  try {
    const [forHash, forStore] = body.tee();
    const digest = new crypto.DigestStream("SHA-256");
    const fixed = new FixedLengthStream(length);
    const [, , stored] = await Promise.all([forHash.pipeTo(digest), forStore.pipeTo(fixed.writable), bucket.put(temporary, fixed.readable)]);
    const sha256 = toHex(await digest.digest);
    const key = blobKey(sha256);
    if ((await bucket.head(key)) === null) {
      const copy = await bucket.get(temporary);
      if (copy === null) return { ok: false, reason: "unreadable" };
      const sized = new FixedLengthStream(copy.size);
      await Promise.all([copy.body.pipeTo(sized.writable), bucket.put(key, sized.readable)]);
    }
    return { ok: true, sha256, size: stored?.size ?? length };
  } catch {
    // A body shorter or longer than its Content-Length, or a client that went away.
    return { ok: false, reason: "unreadable" };
  } finally {
    await bucket.delete(temporary);
  }
}

async function readUpTo(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | "too_large"> {
  return (await readStreamLimited(body, maxBytes)) ?? "too_large";
}

/** The stored bytes of content with this sha256, or null when the object is missing. */
export const readBlob = (bucket: R2Bucket, sha256: string): Promise<R2ObjectBody | null> => bucket.get(blobKey(sha256));
