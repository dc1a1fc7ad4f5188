// GET /health as etcd 3.4 answers it: false when the member knows no leader
// or has an alarm raised, else the outcome of a one-key read with a one
// second timeout (an auth refusal still proves the member serves reads).
import type { MemberBinding } from '../grpc/call.ts';
import { rangeFromWire } from '../grpc/codec-kv.ts';

const HEALTH_READ_TIMEOUT_MS = 1000;
/** Errors that mean the read was refused by auth, not that the member is unwell. */
const AUTH_REFUSALS = new Set(['etcdserver: user name is empty', 'etcdserver: permission denied']);

export function checkHealth(m: MemberBinding, done: (healthy: boolean) => void): void {
  let answered = false;
  const answer = (ok: boolean): void => {
    if (answered) return;
    answered = true;
    done(ok);
  };
  m.rt.enter(() => {
    const svc = m.connect();
    if (!svc || !m.hasLeader()) return answer(false);
    svc.status((err, st) => {
      // Status lists "no leader" and every raised alarm among its errors.
      if (err || !st || st.errors.length > 0) return answer(false);
      const deadline = m.rt.virtualAt(Date.now() + HEALTH_READ_TIMEOUT_MS);
      const reader = svc.withDeadline ? svc.withDeadline(deadline) : svc;
      const any = Buffer.from([0]);
      reader.range(rangeFromWire({ key: any, rangeEnd: any, keysOnly: true, limit: 1 }), (rerr) => {
        answer(!rerr || AUTH_REFUSALS.has(rerr.message));
      });
    });
  });
}
