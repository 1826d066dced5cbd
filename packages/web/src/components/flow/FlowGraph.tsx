import { Link } from 'react-router-dom';
import type { Stage } from '../../lib/flow.ts';

function Arrow() {
  return (
    <svg className="flow-arrow" viewBox="0 0 36 16" width="36" height="16" aria-hidden="true" focusable="false">
      <path d="M2 8 H30" />
      <path d="M25 3 L33 8 L25 13" />
    </svg>
  );
}

/** The five stages left to right, joined by arrows; each box is a link to its tab. */
export function FlowGraph({ stages, hrefFor }: { stages: Stage[]; hrefFor: (s: Stage) => string }) {
  return (
    <ol className="flow" aria-label="Model flow, from data pipelines to live traffic">
      {stages.map((s, i) => (
        <li key={s.name} className="flow-step">
          <Link to={hrefFor(s)} className={`stage ${s.status}`} data-testid={`stage-${s.name}`} data-status={s.status}>
            <span className="stage-head">
              <span className="stage-title">{s.title}</span>
              <span className={`health ${s.status}`}>{s.statusText}</span>
            </span>
            <span className="stage-figure">{s.figure}</span>
            {s.details.map((d, j) => (
              <span key={j} className="stage-detail">
                {d}
              </span>
            ))}
          </Link>
          {i < stages.length - 1 && <Arrow />}
        </li>
      ))}
    </ol>
  );
}
