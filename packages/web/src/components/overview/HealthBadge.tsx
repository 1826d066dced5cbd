import { useId, useState } from 'react';
import { STATUS_LABEL, type CardStatus } from '../../lib/overview.ts';

/**
 * The health status in colour and in words. Its reasons are in the `title` (hover) and in a
 * popover that also opens on keyboard focus, linked as the badge's description for screen readers;
 * Escape closes it.
 */
export function HealthBadge({ status, reasons, label }: { status: CardStatus; reasons: string; label?: string }) {
  const tipId = useId();
  const [open, setOpen] = useState(false);
  const lines = reasons.split('\n');
  return (
    <span className={`health-badge${open ? ' open' : ''}`}>
      <button
        type="button"
        className={`health ${status}`}
        title={reasons}
        aria-describedby={tipId}
        aria-label={`Health: ${label ?? STATUS_LABEL[status]}`}
        data-testid="health-badge"
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onClick={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        {label ?? STATUS_LABEL[status]}
      </button>
      <span className="health-tip" role="tooltip" id={tipId}>
        {lines.length > 1 ? (
          <ul>
            {lines.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        ) : (
          lines[0]
        )}
      </span>
    </span>
  );
}
