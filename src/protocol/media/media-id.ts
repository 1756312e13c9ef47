// Media IDs and mxc:// URIs (spec "Matrix Content (mxc://) URIs"): only A-Za-z0-9, '_' and '-' in a media ID.

/** Longer IDs are refused: ours are 24 characters, and a bound keeps lookups and keys small. */
const MAX_MEDIA_ID_LENGTH = 255;

export const isValidMediaId = (mediaId: string): boolean =>
  mediaId.length > 0 && mediaId.length <= MAX_MEDIA_ID_LENGTH && /^[A-Za-z0-9_-]+$/.test(mediaId);

export const mxcUri = (serverName: string, mediaId: string): string => `mxc://${serverName}/${mediaId}`;

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A media ID from random bytes the caller drew (24 characters, about 142 bits). */
export function mediaIdFromRandom(bytes: Uint8Array): string {
  let id = "";
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}
