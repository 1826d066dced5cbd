import { z } from 'zod';

/** Model ids are slugs: they appear in URLs and in storage identifiers. */
export const ModelIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a slug: lowercase letters, digits, "-" or "_", 1-64 characters, starting with a letter or digit');

/** Feature and segment names appear as JSON keys and quoted column names. */
export const FieldNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'must start with a letter or "_" and contain only letters, digits, "_", "." or "-" (at most 128)');

export const FeatureTypeSchema = z.enum(['numeric', 'categorical', 'boolean', 'text']);
export type FeatureType = z.infer<typeof FeatureTypeSchema>;

export const FeatureSpecSchema = z
  .object({
    name: FieldNameSchema,
    type: FeatureTypeSchema,
    nullable: z.boolean().default(false),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    categories: z.array(z.string().max(256)).max(10_000).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.min !== undefined || f.max !== undefined) && f.type !== 'numeric') {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min/max apply to numeric features only, not ${f.type}` });
    }
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `max (${f.max}) must be >= min (${f.min})` });
    }
    if (f.categories !== undefined && f.type !== 'categorical') {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: `categories apply to categorical features only, not ${f.type}` });
    }
  });
export type FeatureSpec = z.infer<typeof FeatureSpecSchema>;

export const TaskSchema = z.enum(['binary', 'multiclass', 'regression']);
export type Task = z.infer<typeof TaskSchema>;

export const ModelSchemaSpecSchema = z
  .object({
    features: z.array(FeatureSpecSchema).max(2000).default([]),
    segments: z.array(FieldNameSchema).max(16).default([]),
    /** Class labels for classifiers; optional, checked when given. */
    classes: z.array(z.string().max(256)).max(1000).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // stores compare column names without case (SQL identifiers), so "Age" and "age" clash
    const seen = new Map<string, string>();
    s.features.forEach((f, i) => {
      const prev = seen.get(f.name.toLowerCase());
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['features', i, 'name'], message: `duplicate feature "${f.name}" (names are compared without case: "${prev}")` });
      seen.set(f.name.toLowerCase(), f.name);
    });
    const segs = new Map<string, string>();
    s.segments.forEach((name, i) => {
      const prev = segs.get(name.toLowerCase());
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['segments', i], message: `duplicate segment "${name}" (names are compared without case: "${prev}")` });
      segs.set(name.toLowerCase(), name);
    });
  });
export type ModelSchemaSpec = z.infer<typeof ModelSchemaSpecSchema>;

export const TagsSchema = z.array(z.string().min(1).max(64)).max(50);

export const ModelCreateSchema = z
  .object({
    id: ModelIdSchema,
    name: z.string().min(1).max(200),
    task: TaskSchema,
    owner_team: z.string().min(1).max(100).optional(),
    tags: TagsSchema.default([]),
    description: z.string().max(5000).optional(),
    schema: ModelSchemaSpecSchema.default({ features: [], segments: [] }),
  })
  .strict();
export type ModelCreate = z.infer<typeof ModelCreateSchema>;

export const ModelPatchSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    owner_team: z.string().min(1).max(100).nullable().optional(),
    tags: TagsSchema.optional(),
    description: z.string().max(5000).nullable().optional(),
    schema: ModelSchemaSpecSchema.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'patch is empty: send at least one of name, owner_team, tags, description, schema' });
export type ModelPatch = z.infer<typeof ModelPatchSchema>;

export interface Model {
  id: string;
  name: string;
  task: Task;
  owner_team: string | null;
  tags: string[];
  description: string | null;
  schema: ModelSchemaSpec;
  /** Increments on every schema change; older schemas stay readable. */
  schema_version: number;
  created_at: string;
  updated_at: string;
}

export interface ModelSchemaVersion {
  model_id: string;
  schema_version: number;
  schema: ModelSchemaSpec;
  created_at: string;
}

export const VersionCreateSchema = z
  .object({
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, 'must be 1-64 characters of letters, digits, ".", "_", "+" or "-"'),
    source: z.string().max(500).optional(),
    description: z.string().max(5000).optional(),
    validation_metrics: z.record(z.string().max(100), z.number().finite()).default({}),
    created_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type VersionCreate = z.infer<typeof VersionCreateSchema>;

export interface ModelVersion {
  model_id: string;
  version: string;
  source: string | null;
  description: string | null;
  validation_metrics: Record<string, number>;
  created_at: string;
}

export const EnvironmentSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lowercase name such as production, staging or canary');
export const DeploymentOutcomeSchema = z.enum(['in_progress', 'succeeded', 'failed', 'rolled_back']);

export const DeploymentCreateSchema = z
  .object({
    version: z.string().min(1).max(64),
    environment: EnvironmentSchema,
    started_at: z.iso.datetime({ offset: true }).optional(),
    ended_at: z.iso.datetime({ offset: true }).nullable().optional(),
    outcome: DeploymentOutcomeSchema.default('in_progress'),
    notes: z.string().max(5000).optional(),
  })
  .strict();
export type DeploymentCreate = z.infer<typeof DeploymentCreateSchema>;

export const DeploymentPatchSchema = z
  .object({
    ended_at: z.iso.datetime({ offset: true }).nullable().optional(),
    outcome: DeploymentOutcomeSchema.optional(),
    notes: z.string().max(5000).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'patch is empty: send ended_at, outcome or notes' });
export type DeploymentPatch = z.infer<typeof DeploymentPatchSchema>;

export interface Deployment {
  id: string;
  model_id: string;
  version: string;
  environment: string;
  started_at: string;
  ended_at: string | null;
  outcome: z.infer<typeof DeploymentOutcomeSchema>;
  notes: string | null;
}
