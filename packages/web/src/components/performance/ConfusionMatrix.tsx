import { formatCompact } from '../../lib/format.ts';

/** Rows are the labels (truth), columns the predicted classes; the diagonal is right. */
export function ConfusionMatrix({ matrix, title, testId }: { matrix: { labels: string[]; matrix: number[][] }; title: string; testId: string }) {
  const max = Math.max(1, ...matrix.matrix.flat());
  return (
    <div className="table-wrap">
      <table className="data confusion" data-testid={testId}>
        <caption className="small muted">{title}</caption>
        <thead>
          <tr>
            <th scope="col" className="small muted">
              truth ↓ predicted →
            </th>
            {matrix.labels.map((l) => (
              <th key={l} scope="col" className="num">
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.matrix.map((row, i) => (
            <tr key={matrix.labels[i]}>
              <th scope="row">{matrix.labels[i]}</th>
              {row.map((n, j) => (
                <td key={j} className={`num ${i === j ? 'diag' : 'off'}`} style={{ ['--cell' as string]: (n / max).toFixed(3) }}>
                  {formatCompact(Math.round(n))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
