import { useState } from 'react';
import { describeRange, PRESETS, resolveBound, type TimeRange } from '../lib/time-range.ts';

/** Relative presets, or an absolute range typed as local date-times. */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  const [open, setOpen] = useState(false);
  const toLocal = (b: string) => {
    const t = resolveBound(b, Date.now());
    if (t === null) return '';
    const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
    return d.toISOString().slice(0, 16);
  };
  const [from, setFrom] = useState(toLocal(value.from));
  const [to, setTo] = useState(toLocal(value.to));
  const [error, setError] = useState<string | null>(null);
  // opening shows the range as it is now (after a zoom, a preset, or time passing)
  const toggle = () => {
    if (!open) {
      setFrom(toLocal(value.from));
      setTo(toLocal(value.to));
      setError(null);
    }
    setOpen(!open);
  };
  const apply = () => {
    const f = Date.parse(from);
    const t = Date.parse(to);
    if (Number.isNaN(f) || Number.isNaN(t)) return setError('enter both dates');
    if (f >= t) return setError('"from" must be before "to"');
    setError(null);
    setOpen(false);
    onChange({ from: new Date(f).toISOString(), to: new Date(t).toISOString() });
  };
  return (
    <div className="time-picker">
      <button type="button" aria-haspopup="dialog" aria-expanded={open} onClick={toggle} data-testid="time-range">
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" className="icon-inline">
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>{' '}
        {describeRange(value)}
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Time range" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <div className="presets">
            {PRESETS.map((p) => (
              <button
                key={p.from}
                type="button"
                className={value.from === p.from && value.to === 'now' ? 'active' : ''}
                onClick={() => {
                  setOpen(false);
                  onChange({ from: p.from, to: 'now' });
                }}
              >
                {p.label}
              </button>
            ))}
          </div>
          <div className="absolute">
            <label>
              From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
            {error && <p className="field-error">{error}</p>}
            <button type="button" onClick={apply}>
              Apply
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
