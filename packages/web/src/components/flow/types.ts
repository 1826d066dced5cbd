import type { Model, ModelOverview } from '../../api/models.ts';
import type { TimeRange } from '../../lib/time-range.ts';

/** What every tab of a model's page gets. */
export interface TabProps {
  model: Model;
  /** The model's overview row over the range (health, traffic), null when it could not be read. */
  row: ModelOverview | null;
  range: TimeRange;
  /** Bumped by live mode (throttled `rollup` events) to refetch. */
  refreshKey: number;
  onZoom: (fromMs: number, toMs: number) => void;
  /** The URL's query string (`?from=…`), kept by links between tabs. */
  search: string;
}
