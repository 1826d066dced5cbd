import type { DashboardSpec } from '@vigil/core';

/**
 * A saved dashboard. Personal while `team` is null (only its owner sees it); shared with a team
 * otherwise. When the owner's account is deleted, their personal dashboards go with it and team
 * dashboards stay, with `owner_user_id` null.
 */
export interface StoredDashboard {
  id: string;
  owner_user_id: string | null;
  team: string | null;
  spec: DashboardSpec;
  created_at: string;
  updated_at: string;
}

export interface NewDashboard {
  owner_user_id: string;
  team: string | null;
  /** Already validated by the core's DashboardSpecSchema; stored as given. */
  spec: DashboardSpec;
}

export interface DashboardFilter {
  /** Dashboards this user owns, personal or shared. */
  ownerUserId?: string;
  /** Dashboards shared with one of these teams, or with any team ('all'). */
  teams?: string[] | 'all';
}

/** Saved dashboards. Part of the MetaStore; timestamps are ISO 8601 UTC text. */
export interface DashboardStore {
  /** The id is a new UUID. Throws not_found if the owner does not exist. */
  createDashboard(input: NewDashboard, now: string): Promise<StoredDashboard>;
  getDashboard(id: string): Promise<StoredDashboard | null>;
  /**
   * Those owned by `ownerUserId` or shared with one of `teams` (each once), most recently
   * changed first. An empty filter lists every dashboard.
   */
  listDashboards(filter?: DashboardFilter): Promise<StoredDashboard[]>;
  /**
   * Replaces the spec and the team. Throws not_found, or conflict when a dashboard whose owner
   * was deleted would become personal (nobody could see it).
   */
  updateDashboard(id: string, change: { spec: DashboardSpec; team: string | null }, now: string): Promise<StoredDashboard>;
  /** Throws not_found. */
  deleteDashboard(id: string): Promise<void>;
}
