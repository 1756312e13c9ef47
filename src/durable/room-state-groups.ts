// Immutable state groups in the room DO's SQLite: the state before and after every event, stored as deltas.
import type { StateMap } from "../commands/room-decision";
import { parseStateKey } from "../commands/state-map";
import { stateKeyString } from "../protocol/pdu";

/** A chain of deltas longer than this is cut by a full snapshot, so loading a group reads a bounded number of rows. */
const SNAPSHOT_AFTER = 50;
const CACHE_SIZE = 64;

type EntryRow = { type: string; state_key: string; event_id: string | null };
type GroupRow = { id: number; parent: number | null; chain: number };

export class RoomStateGroups {
  private cache = new Map<number, StateMap>();
  /** Maps decide handed back, by identity: a map already stored needs no diff. */
  private known = new WeakMap<StateMap, number>();

  constructor(private readonly sql: SqlStorage) {}

  load(groupId: number): StateMap {
    const cached = this.cache.get(groupId);
    if (cached !== undefined) {
      this.cache.delete(groupId);
      this.cache.set(groupId, cached);
      return cached;
    }
    const chain: number[] = [];
    let id: number | null = groupId;
    while (id !== null) {
      chain.push(id);
      const row: GroupRow | undefined = this.sql.exec<GroupRow>(`SELECT id, parent, chain FROM state_groups WHERE id = ?`, id).toArray()[0];
      if (row === undefined) throw new Error(`state group ${id} is missing`);
      id = row.parent;
    }
    const state = new Map<string, string>();
    for (const gid of chain.reverse()) {
      for (const row of this.sql.exec<EntryRow>(`SELECT type, state_key, event_id FROM state_group_entries WHERE group_id = ?`, gid)) {
        const key = stateKeyString(row.type, row.state_key);
        if (row.event_id === null) state.delete(key);
        else state.set(key, row.event_id);
      }
    }
    this.remember(groupId, state);
    return state;
  }

  /** Stores `state` as a delta on `parent` (or a snapshot), reusing a group when nothing differs. */
  store(state: StateMap, parent: number | undefined): number {
    const known = this.known.get(state);
    if (known !== undefined) return known;
    let parentChain = -1;
    const delta = new Map<string, string | null>();
    if (parent !== undefined) {
      const base = this.load(parent);
      for (const [key, id] of state) if (base.get(key) !== id) delta.set(key, id);
      for (const key of base.keys()) if (!state.has(key)) delta.set(key, null);
      if (delta.size === 0) {
        this.known.set(state, parent);
        return parent;
      }
      parentChain = this.sql.exec<{ chain: number }>(`SELECT chain FROM state_groups WHERE id = ?`, parent).one().chain;
    }
    const snapshot = parent === undefined || parentChain + 1 > SNAPSHOT_AFTER;
    const entries = snapshot ? new Map<string, string | null>(state) : delta;
    const id = this.sql
      .exec<{ id: number }>(`INSERT INTO state_groups (parent, chain) VALUES (?, ?) RETURNING id`, snapshot ? null : parent ?? null, snapshot ? 0 : parentChain + 1)
      .one().id;
    for (const [key, eventId] of entries) {
      const { type, stateKey } = parseStateKey(key);
      this.sql.exec(`INSERT INTO state_group_entries (group_id, type, state_key, event_id) VALUES (?, ?, ?, ?)`, id, type, stateKey, eventId);
    }
    this.remember(id, state);
    return id;
  }

  /** After a rolled-back transaction: the IDs of groups it wrote may be reused, so no cached fact survives. */
  reset(): void {
    this.cache = new Map();
    this.known = new WeakMap();
  }

  private remember(id: number, state: StateMap): void {
    this.known.set(state, id);
    this.cache.set(id, state);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
