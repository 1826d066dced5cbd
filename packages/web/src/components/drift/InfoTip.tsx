import { useId, useState, type ReactNode } from 'react';

/**
 * A badge whose explanation opens on hover, on keyboard focus and on click, linked as the badge's
 * description for screen readers; Escape closes it. The explanation is also the `title`.
 */
export function InfoTip({ label, tip, className = '', testId }: { label: ReactNode; tip: string; className?: string; testId?: string }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <span className={`info-tip${open ? ' open' : ''}`}>
      <button
        type="button"
        className={`info-badge ${className}`}
        title={tip}
        aria-describedby={id}
        data-testid={testId}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onClick={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        {label}
        <span aria-hidden="true" className="info-mark">
          ?
        </span>
      </button>
      <span className="info-tip-body" role="tooltip" id={id}>
        {tip}
      </span>
    </span>
  );
}

/** A verdict in colour and in words (the `health` classes), its reason in the title. */
export function Verdict({ tone, text, detail, testId }: { tone: string; text: string; detail?: string; testId?: string }) {
  return (
    <span className={`health ${tone}`} title={detail} data-testid={testId} data-verdict={text}>
      {text}
    </span>
  );
}
