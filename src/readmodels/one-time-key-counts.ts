// What /sync and /keys/upload report about a device's keys: unclaimed one-time keys per algorithm
// and the algorithms whose fallback key has not been used since it was uploaded.

/** Unclaimed one-time keys per algorithm; `signed_curve25519` is always present (0 when none). */
export async function oneTimeKeyCounts(db: D1Database, userId: string, deviceId: string): Promise<Record<string, number>> {
  const { results } = await db
    .prepare("SELECT algorithm, COUNT(*) AS n FROM e2e_one_time_keys WHERE user_id = ? AND device_id = ? GROUP BY algorithm")
    .bind(userId, deviceId)
    .all<{ algorithm: string; n: number }>();
  const counts: Record<string, number> = { signed_curve25519: 0 };
  for (const row of results) counts[row.algorithm] = row.n;
  return counts;
}

/** The algorithms of the device's fallback keys that no claim has handed out yet. */
export async function unusedFallbackKeyTypes(db: D1Database, userId: string, deviceId: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT algorithm FROM e2e_fallback_keys WHERE user_id = ? AND device_id = ? AND used = 0 ORDER BY algorithm")
    .bind(userId, deviceId)
    .all<{ algorithm: string }>();
  return results.map((r) => r.algorithm);
}
