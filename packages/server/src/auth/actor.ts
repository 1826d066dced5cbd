import type { AuditOutcome } from '@vigil/core';
import type { Actor } from '../context.ts';
import type { AuditEvent } from './audit-log.ts';

/** An audit event attributed to an actor, with where the request came from. */
export function auditBy(
  actor: Actor | { ip: string; userAgent: string | null; principal?: undefined },
  action: string,
  target: { type: string | null; id: string | null },
  outcome: AuditOutcome = 'success',
  details: Record<string, unknown> = {},
): AuditEvent {
  const p = actor.principal;
  return {
    actor_type: p ? p.type : 'anonymous',
    actor_id: p ? (p.type === 'key' ? (p.key?.id ?? null) : p.userId) : null,
    actor_name: p ? (p.type === 'key' ? `${p.username} (key ${p.key?.id ?? ''})` : p.username) : null,
    action,
    target_type: target.type,
    target_id: target.id,
    outcome,
    ip: actor.ip,
    user_agent: actor.userAgent,
    details,
  };
}
