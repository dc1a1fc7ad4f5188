// etcd's alarm store (etcdserver/api/v3alarm/alarms.go): which member raised
// which alarm. Changed only by applying Alarm requests, so every member holds
// the same list; kept in the backend's "alarm" bucket, so it is part of the
// state machine's snapshot. etcd keeps Go maps and lists them in random
// order; here they are listed by alarm type, then member ID, so a listing is
// deterministic.
import { compareIds } from '../util/bytes.ts';
import type { AlarmMember, AlarmType } from './internal.ts';

const TYPE_ORDER: Record<AlarmType, number> = { NONE: 0, NOSPACE: 1, CORRUPT: 2 };

function byTypeThenMember(a: AlarmMember, b: AlarmMember): number {
  return TYPE_ORDER[a.alarm] - TYPE_ORDER[b.alarm] || compareIds(a.memberID, b.memberID);
}

export class AlarmStore {
  /** alarm type -> member ID -> the alarm. */
  private readonly types = new Map<AlarmType, Map<string, AlarmMember>>();

  /**
   * Raises an alarm; returns the stored alarm (the existing one if the member
   * already raised it).
   */
  activate(memberID: string, alarm: AlarmType): AlarmMember {
    let set = this.types.get(alarm);
    if (!set) this.types.set(alarm, (set = new Map()));
    const old = set.get(memberID);
    if (old) return { ...old };
    const m = { memberID, alarm };
    set.set(memberID, m);
    return { ...m };
  }

  /** Clears an alarm; returns it, or undefined if that member had not raised it. */
  deactivate(memberID: string, alarm: AlarmType): AlarmMember | undefined {
    const set = this.types.get(alarm);
    const m = set?.get(memberID);
    if (!m) return undefined;
    set!.delete(memberID);
    return { ...m };
  }

  /** The alarms of one type, or all of them for NONE. */
  get(alarm: AlarmType): AlarmMember[] {
    const out: AlarmMember[] = [];
    for (const [t, set] of this.types) {
      if (alarm !== 'NONE' && t !== alarm) continue;
      for (const m of set.values()) out.push({ ...m });
    }
    return out.sort(byTypeThenMember);
  }

  /** Whether any member has this alarm raised. */
  has(alarm: AlarmType): boolean {
    return (this.types.get(alarm)?.size ?? 0) > 0;
  }

  /** Replaces every alarm (restoring a snapshot). */
  load(alarms: readonly AlarmMember[]): void {
    this.types.clear();
    for (const a of alarms) this.activate(a.memberID, a.alarm);
  }
}
