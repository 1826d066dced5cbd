import type {
  Deployment,
  DeploymentCreate,
  DeploymentPatch,
  Model,
  ModelCreate,
  ModelPatch,
  ModelSchemaVersion,
  ModelVersion,
  ReferenceInfo,
  ReferenceProfile,
  VersionCreate,
} from '@vigil/core';
import type { AlertStore } from './alert-store.ts';
import type { DashboardStore } from './dashboard-store.ts';
import type { SecurityStore } from './security-store.ts';

export interface ModelFilter {
  team?: string;
  tag?: string;
}

/**
 * Small, mutable, transactional state. Every method validates nothing the core already
 * validated, and reports domain errors as VigilError (`not_found`, `conflict`).
 * `now` is an ISO timestamp passed in by the caller.
 */
export interface MetaStore extends SecurityStore, DashboardStore, AlertStore {
  /** Opens the store and applies pending migrations. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Creates a model with schema_version 1. Throws conflict if the id exists. */
  createModel(input: ModelCreate, now: string): Promise<Model>;
  getModel(id: string): Promise<Model | null>;
  listModels(filter?: ModelFilter): Promise<Model[]>;
  /**
   * Applies a patch. A schema that differs from the current one becomes a new schema
   * version (the old one stays readable); an identical schema changes nothing.
   * Throws not_found.
   */
  updateModel(id: string, patch: ModelPatch, now: string): Promise<Model>;
  /** Every schema the model has had, oldest first. */
  listSchemaVersions(id: string): Promise<ModelSchemaVersion[]>;

  /** Throws not_found (model) or conflict (version exists). */
  createVersion(modelId: string, input: VersionCreate, now: string): Promise<ModelVersion>;
  getVersion(modelId: string, version: string): Promise<ModelVersion | null>;
  /** Newest first. */
  listVersions(modelId: string): Promise<ModelVersion[]>;

  /** Throws not_found if the model or the version does not exist. */
  createDeployment(modelId: string, input: DeploymentCreate, now: string): Promise<Deployment>;
  updateDeployment(modelId: string, deploymentId: string, patch: DeploymentPatch): Promise<Deployment>;
  /** Newest (by started_at) first. */
  listDeployments(modelId: string, filter?: { environment?: string }): Promise<Deployment[]>;

  /** Stores (or replaces) the reference profile of a model version. Throws not_found without the version. */
  putReferenceProfile(profile: ReferenceProfile): Promise<void>;
  getReferenceProfile(modelId: string, version: string): Promise<ReferenceProfile | null>;
  /** Newest first. */
  listReferenceProfiles(modelId: string): Promise<ReferenceInfo[]>;
  /** True when there was one. */
  deleteReferenceProfile(modelId: string, version: string): Promise<boolean>;

  /** Small key → value settings (e.g. the hash of the bootstrap admin token). */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
}
