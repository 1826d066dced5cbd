import { api } from './client.ts';

export interface Team {
  id: string;
  name: string;
  created_at: string;
}

/** Teams the caller belongs to (all of them, for administrators). */
export const listTeams = (signal?: AbortSignal) => api<{ items: Team[] }>('GET', '/api/v1/teams', undefined, signal ? { signal } : {}).then((r) => r.items);
