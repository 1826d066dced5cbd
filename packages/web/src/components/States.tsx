import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function Denied({ message }: { message: string }) {
  return (
    <div className="state state-denied" role="alert" data-testid="denied-state">
      <h2>You do not have access to this</h2>
      <p>{message}</p>
      <p className="muted">Ask an administrator for a grant that covers it.</p>
    </div>
  );
}

/** What failed and what to do next; a 403 becomes the permission-denied state. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error instanceof ApiError && error.denied) return <Denied message={error.message} />;
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof ApiError ? error.body.hint : undefined;
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <h2>Something went wrong</h2>
      <p>{message}</p>
      {hint && <p className="muted">{hint}</p>}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The empty state every page without data shows: how to get data in. */
export function NoDataYet() {
  return (
    <Empty title="No data yet">
      <p>Send predictions with the TypeScript or Python SDK, or see Vigil alive with simulated traffic:</p>
      <pre>npm run demo</pre>
      <p className="muted">
        The SDK guides are in <code>docs/sdk-typescript.md</code> and <code>docs/sdk-python.md</code>.
      </p>
    </Empty>
  );
}
