import { useState } from 'react';
import { exportDashboard, type ExportFormat } from '../../api/dashboards.ts';
import { exportFileName } from './draft.ts';

/** Downloads the saved dashboard as JSON or YAML (for git); a failure is said beside the buttons. */
export function ExportButtons({ id, title, dirty }: { id: string; title: string; dirty: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const download = async (format: ExportFormat) => {
    setError(null);
    try {
      const text = await exportDashboard(id, format);
      const blob = new Blob([text], { type: format === 'yaml' ? 'application/yaml' : 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = exportFileName(title, format);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const note = dirty ? 'Exports the saved dashboard, without your unsaved changes' : undefined;
  return (
    <span className="export-buttons">
      <button type="button" onClick={() => download('json')} title={note ?? 'Download as JSON'} data-testid="export-json">
        Export JSON
      </button>
      <button type="button" onClick={() => download('yaml')} title={note ?? 'Download as YAML'} data-testid="export-yaml">
        Export YAML
      </button>
      {error && (
        <span className="field-error small" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
