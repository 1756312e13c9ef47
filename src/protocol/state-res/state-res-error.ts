// Why a state resolution could not be computed: the inputs were incomplete or inconsistent (fail closed).

export type StateResError =
  | { readonly _tag: "MissingEvent"; readonly reason: string; readonly eventId: string }
  | { readonly _tag: "InvalidStateEntry"; readonly reason: string; readonly eventId: string }
  | { readonly _tag: "WrongRoom"; readonly reason: string; readonly eventId: string }
  | { readonly _tag: "AuthCycle"; readonly reason: string; readonly eventId: string }
  | { readonly _tag: "UnsupportedAlgorithm"; readonly reason: string; readonly roomVersion: string };

export const missingEvent = (eventId: string, referencedBy?: string): StateResError => ({
  _tag: "MissingEvent",
  eventId,
  reason:
    referencedBy === undefined
      ? `event ${eventId} is not available`
      : `event ${eventId}, referenced by ${referencedBy}, is not available`,
});

export const invalidStateEntry = (eventId: string, reason: string): StateResError => ({
  _tag: "InvalidStateEntry",
  eventId,
  reason,
});

export const wrongRoom = (eventId: string, roomId: string, expected: string): StateResError => ({
  _tag: "WrongRoom",
  eventId,
  reason: `event ${eventId} is in room ${roomId}, not ${expected}`,
});

export const authCycle = (eventId: string): StateResError => ({
  _tag: "AuthCycle",
  eventId,
  reason: `the auth_events graph has a cycle through ${eventId}`,
});

export const unsupportedAlgorithm = (roomVersion: string, algorithm: string): StateResError => ({
  _tag: "UnsupportedAlgorithm",
  roomVersion,
  reason: `room version ${roomVersion} uses state resolution ${algorithm}, which is not implemented`,
});
