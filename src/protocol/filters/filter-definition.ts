// The filter definition a client uploads (POST /user/{userId}/filter, or inline): Filter, RoomFilter, RoomEventFilter, EventFilter.

/** Used for presence and global account data. An absent list means "no restriction"; an empty one means "nothing". */
export interface EventFilter {
  /** An integer > 0; servers apply their own default and maximum (see filterLimit). */
  readonly limit?: number;
  /** Event types to include; `*` matches any run of characters. */
  readonly types?: readonly string[];
  /** Event types to exclude; wins over `types`. */
  readonly not_types?: readonly string[];
  readonly senders?: readonly string[];
  /** Wins over `senders`. */
  readonly not_senders?: readonly string[];
}

/** Used for room state, timeline, ephemeral events and per-room account data. */
export interface RoomEventFilter extends EventFilter {
  readonly rooms?: readonly string[];
  /** Wins over `rooms`. */
  readonly not_rooms?: readonly string[];
  /** true: only events whose content has a `url` key; false: only those without; absent: either. */
  readonly contains_url?: boolean;
  readonly lazy_load_members?: boolean;
  /** Only meaningful together with `lazy_load_members`. */
  readonly include_redundant_members?: boolean;
  /** Per-thread notification counts in /sync. */
  readonly unread_thread_notifications?: boolean;
}

export interface RoomFilter {
  /** Applied before the per-section filters below. */
  readonly rooms?: readonly string[];
  readonly not_rooms?: readonly string[];
  readonly ephemeral?: RoomEventFilter;
  readonly include_leave?: boolean;
  readonly state?: RoomEventFilter;
  readonly timeline?: RoomEventFilter;
  readonly account_data?: RoomEventFilter;
}

export type EventFormat = "client" | "federation";

export interface Filter {
  /** Dot-separated property paths (appendix escaping) of the fields to keep in each event. */
  readonly event_fields?: readonly string[];
  /** Defaults to `client`. */
  readonly event_format?: EventFormat;
  readonly presence?: EventFilter;
  readonly account_data?: EventFilter;
  readonly room?: RoomFilter;
}

/** The limit to use for a section: the filter's, or the server default, never above the server maximum. */
export const filterLimit = (filter: EventFilter | undefined, defaults: { readonly fallback: number; readonly max: number }): number =>
  Math.min(filter?.limit ?? defaults.fallback, defaults.max);
