// Room upgrades: a user's push rules for the old room, copied for its replacement (spec "Room Upgrades", server behaviour).
import { PUSH_RULE_KINDS, type PushCondition, type PushRule } from "./push-rule";
import type { UserPushRules } from "./user-push-rules";

/** A condition that confines a rule to one room: `event_match` on `room_id` with the room ID as the pattern. */
const namesRoom = (condition: PushCondition, roomId: string): boolean =>
  condition.kind === "event_match" && condition["key"] === "room_id" && condition["pattern"] === roomId;

/**
 * The user's rules with a copy, for `newRoomId`, of every rule about `oldRoomId`: room rules whose
 * ID is the room, and override or underride rules confined to it (per-room notification settings
 * look like this). A copy is placed right before its original and keeps its actions and enabled
 * flag. Rules already present for the new room are left as the user set them. Undefined: nothing to copy.
 */
export function copyRoomPushRules(user: UserPushRules, oldRoomId: string, newRoomId: string): UserPushRules | undefined {
  let changed = false;
  const rules = { ...user.rules };
  for (const kind of PUSH_RULE_KINDS) {
    const current = user.rules[kind];
    const taken = new Set(current.map((r) => r.rule_id));
    const out: PushRule[] = [];
    for (const rule of current) {
      const copy = copyFor(rule, oldRoomId, newRoomId);
      if (copy !== undefined && !taken.has(copy.rule_id)) {
        out.push(copy);
        taken.add(copy.rule_id);
        changed = true;
      }
      out.push(rule);
    }
    rules[kind] = out;
  }
  return changed ? { ...user, rules } : undefined;
}

function copyFor(rule: PushRule, oldRoomId: string, newRoomId: string): PushRule | undefined {
  const ruleId = rule.rule_id === oldRoomId ? newRoomId : undefined;
  const conditions = rule.conditions;
  const confined = conditions !== undefined && conditions.some((c) => namesRoom(c, oldRoomId));
  if (ruleId === undefined && !confined) return undefined;
  // A confined rule with another ID gets a derived one; rule IDs only need to be unique per kind.
  const id = ruleId ?? `${rule.rule_id}:${newRoomId}`;
  return {
    ...rule,
    rule_id: id,
    ...(conditions === undefined
      ? {}
      : { conditions: conditions.map((c) => (namesRoom(c, oldRoomId) ? { ...c, pattern: newRoomId } : c)) }),
  };
}
