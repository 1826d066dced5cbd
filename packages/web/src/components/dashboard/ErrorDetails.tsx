import { ApiError } from '../../api/client.ts';

/** An API failure in words, with each refused field by its path (`panels.0.query.metric: …`). */
export function ErrorDetails({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const body = error instanceof ApiError ? error.body : null;
  return (
    <div className="form-error error-details" role="alert" data-testid="error-details">
      <p>{message}</p>
      {body?.details.length ? (
        <ul>
          {body.details.map((d, i) => (
            <li key={i}>
              {d.field && <code>{d.field}</code>}
              {d.field ? ': ' : ''}
              {d.message}
            </li>
          ))}
        </ul>
      ) : null}
      {body?.hint && <p className="muted small">{body.hint}</p>}
    </div>
  );
}
