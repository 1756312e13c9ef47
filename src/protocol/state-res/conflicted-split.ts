// Splits the input state maps into the unconflicted state map and the conflicted state set.

export interface ConflictedSplit {
  /** Keys held by every state map with the same event ID. */
  readonly unconflicted: ReadonlyMap<string, string>;
  /** Event IDs of every other entry (a key missing from some map counts as conflicted). */
  readonly conflicted: ReadonlySet<string>;
}

export function splitConflicted(stateSets: readonly ReadonlyMap<string, string>[]): ConflictedSplit {
  const unconflicted = new Map<string, string>();
  const conflicted = new Set<string>();
  const keys = new Set<string>();
  for (const stateSet of stateSets) for (const key of stateSet.keys()) keys.add(key);
  for (const key of keys) {
    const values = new Set<string>();
    let missing = false;
    for (const stateSet of stateSets) {
      const value = stateSet.get(key);
      if (value === undefined) missing = true;
      else values.add(value);
    }
    const [only] = values;
    if (!missing && values.size === 1 && only !== undefined) unconflicted.set(key, only);
    else for (const value of values) conflicted.add(value);
  }
  return { unconflicted, conflicted };
}
