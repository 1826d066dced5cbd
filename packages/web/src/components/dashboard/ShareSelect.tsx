import { listTeams } from '../../api/teams.ts';
import type { User } from '../../api/session.ts';
import { useAsync } from '../../lib/use-async.ts';
import { shareOptions } from './draft.ts';

/** Who sees the dashboard: the user alone, or a team they can edit for. */
export function ShareSelect({ user, value, onChange, id, ...aria }: { user: User; value: string | null; onChange: (team: string | null) => void; id?: string; 'aria-describedby'?: string }) {
  // without the team list (it failed), the user's team grants still give the choices
  const teams = useAsync((signal) => listTeams(signal), []);
  const options = shareOptions(user, teams.data ?? [], value);
  return (
    <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} data-testid="share-select" {...aria}>
      {options.map((o) => (
        <option key={o.team ?? ''} value={o.team ?? ''}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
