// The appendix's Opaque Identifier Grammar: 1–255 of RFC 3986's unreserved characters.

const OPAQUE = /^[0-9A-Za-z\-._~]{1,255}$/;

/** Whether `text` follows the Opaque Identifier Grammar (with its default length bounds). */
export const isOpaqueIdentifier = (text: string): boolean => OPAQUE.test(text);
