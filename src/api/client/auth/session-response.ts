// The body /register and /login answer with once a device has its tokens, and the refresh-token lifetimes.
import type { IssuedTokens, RefreshLifetimes } from "../../../accounts/token-store";
import type { JsonObject } from "../../../protocol/json-value";

/**
 * For clients that ask for refresh tokens (`refresh_token: true`): short-lived access tokens,
 * and refresh tokens that live until used (rotation then limits what a stolen one is worth).
 * Clients that do not ask get access tokens that never expire, as the spec allows.
 */
export const REFRESH_LIFETIMES: RefreshLifetimes = { accessTokenMs: 5 * 60 * 1000, refreshTokenMs: null };

export function sessionBody(tokens: IssuedTokens, serverName: string): JsonObject {
  return {
    user_id: tokens.userId,
    access_token: tokens.accessToken,
    device_id: tokens.deviceId,
    // Deprecated, but older clients still read it.
    home_server: serverName,
    ...(tokens.refreshToken === null ? {} : { refresh_token: tokens.refreshToken }),
    ...(tokens.expiresInMs === null ? {} : { expires_in_ms: tokens.expiresInMs }),
  };
}
