// Paging the to-device messages of a dehydrated device (MSC3814 /dehydrated_device/{id}/events):
// the token format and which token a page carries.
import { err, ok, type Result } from "../result";
import { dehydratedDeviceError, type DehydratedDeviceError } from "./dehydrated-device-error";

/** Messages per page (the spec's recommendation for /sync's to_device section, and Synapse's page). */
export const DEHYDRATED_EVENTS_PER_PAGE = 100;

/** A token is `d` and the stream position of the last message of the page that issued it. */
export const formatEventsToken = (position: number): string => `d${position}`;

/** The position a token names; absent means the start. Anything else is M_INVALID_PARAM. */
export function parseEventsToken(token: string | undefined): Result<number, DehydratedDeviceError> {
  if (token === undefined) return ok(0);
  const match = /^d(0|[1-9][0-9]{0,14})$/.exec(token);
  if (match === null) return err(dehydratedDeviceError("invalid_param", "next_batch is not a token this server issued"));
  return ok(Number(match[1]));
}

export interface EventsPageInput<T> {
  /** The messages after the token, in stream order, up to one more than a page. */
  readonly rows: readonly { readonly position: number; readonly event: T }[];
  /** The position the request's token named (0: none). */
  readonly since: number;
  /**
   * MSC3814 (current): `next_batch` only when more messages wait. The older POST form (Synapse,
   * matrix-js-sdk) loops until a page is empty, sending the last token back: there the token is
   * always present, else the client would restart from the first page for ever.
   */
  readonly alwaysToken: boolean;
}

export interface EventsPage<T> {
  readonly events: readonly T[];
  readonly nextBatch: string | undefined;
}

export function eventsPage<T>(input: EventsPageInput<T>): EventsPage<T> {
  const page = input.rows.slice(0, DEHYDRATED_EVENTS_PER_PAGE);
  const more = input.rows.length > DEHYDRATED_EVENTS_PER_PAGE;
  const last = page.at(-1)?.position ?? input.since;
  const nextBatch = more || input.alwaysToken ? formatEventsToken(last) : undefined;
  return { events: page.map((row) => row.event), nextBatch };
}
