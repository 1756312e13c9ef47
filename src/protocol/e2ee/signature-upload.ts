// POST /keys/signatures/upload: which uploaded signatures of one key may be stored (spec
// "Cross-signing"): a user signs their own devices with their self-signing key, their own master
// key with one of their devices, and other users' master keys with their user-signing key.
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";
import { isSignedBy, sameKey } from "./cross-signing-key";
import { signaturesOf, type KeySignature } from "./signatures";

/** The key being signed, as the server holds it. */
export type SignatureTarget =
  | { readonly kind: "device"; readonly json: JsonObject }
  | { readonly kind: "master"; readonly json: JsonObject };

/** The signer's keys the server holds: their self- and user-signing public keys, their devices' ed25519 keys. */
export interface SignerKeys {
  readonly selfSigning: string | undefined;
  readonly userSigning: string | undefined;
  readonly deviceKeys: ReadonlyMap<string, string>;
}

/** A `failures` entry: `{ errcode, error }`. */
export interface SignatureFailure {
  readonly errcode: "M_NOT_FOUND" | "M_INVALID_PARAM" | "M_INVALID_SIGNATURE" | "M_BAD_JSON";
  readonly error: string;
}

const fail = (errcode: SignatureFailure["errcode"], error: string) => err<SignatureFailure>({ errcode, error });

/** The ed25519 key the requester may sign `target` of `targetUserId` with, by key ID. */
function allowedSigner(requester: string, targetUserId: string, target: SignatureTarget, signer: SignerKeys, keyId: string): string | undefined {
  if (!keyId.startsWith("ed25519:")) return undefined;
  const id = keyId.slice("ed25519:".length);
  if (targetUserId !== requester) return target.kind === "master" && id === signer.userSigning ? id : undefined;
  if (target.kind === "device") return id === signer.selfSigning ? id : undefined;
  return signer.deviceKeys.get(id);
}

/**
 * The new signatures by `requester` on `uploaded` that verify with a key allowed to sign it.
 * Signatures the stored key already carries are not new (none new: nothing to store); a new one
 * that does not verify, or an object that is not the stored key, fails the whole key.
 */
export function acceptedSignatures(
  requester: string,
  targetUserId: string,
  uploaded: JsonValue,
  target: SignatureTarget | undefined,
  signer: SignerKeys,
): Result<KeySignature[], SignatureFailure> {
  if (!isJsonObject(uploaded)) return fail("M_BAD_JSON", "The signed key must be an object");
  if (target === undefined) return fail("M_NOT_FOUND", "Unknown key");
  if (!sameKey(uploaded, target.json)) return fail("M_INVALID_PARAM", "The signed object does not match the stored key");
  const known = new Set(signaturesOf(target.json).map((s) => `${s.signerUserId}\u0000${s.signerKeyId}\u0000${s.signature}`));
  const fresh = signaturesOf(uploaded).filter(
    (s) => s.signerUserId === requester && !known.has(`${s.signerUserId}\u0000${s.signerKeyId}\u0000${s.signature}`),
  );
  // Nothing new (a retry, or the key as stored): nothing to store, and nothing wrong.
  if (fresh.length === 0) return ok([]);
  for (const s of fresh) {
    const publicKey = allowedSigner(requester, targetUserId, target, signer, s.signerKeyId);
    if (publicKey === undefined) return fail("M_INVALID_SIGNATURE", `${s.signerKeyId} may not sign this key`);
    const alone: JsonObject = { ...target.json, signatures: { [requester]: { [s.signerKeyId]: s.signature } } };
    if (!isSignedBy(alone, requester, publicKey, s.signerKeyId)) return fail("M_INVALID_SIGNATURE", "Invalid signature");
  }
  return ok(fresh);
}
