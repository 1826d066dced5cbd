/**
 * Versioned migrations of the shared event tables. Per-model prediction tables are created
 * and widened by model-tables.ts as schemas change.
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS vigil_state (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL);
      INSERT INTO vigil_state VALUES ('head', 0), ('watermark', 0), ('compacted', 0) ON CONFLICT DO NOTHING;
      CREATE TABLE IF NOT EXISTS labels (model VARCHAR NOT NULL, prediction_id VARCHAR NOT NULL, label VARCHAR NOT NULL, ts BIGINT NOT NULL, batch BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS metric_samples (name VARCHAR NOT NULL, labels VARCHAR NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL, batch BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS logs (id VARCHAR NOT NULL, ts BIGINT NOT NULL, model VARCHAR, level VARCHAR NOT NULL, message VARCHAR NOT NULL, error_class VARCHAR, attributes VARCHAR NOT NULL, batch BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS pipeline_runs (pipeline VARCHAR NOT NULL, run_id VARCHAR NOT NULL, stage VARCHAR NOT NULL, status VARCHAR NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT, model VARCHAR, rows_in BIGINT, rows_out BIGINT, bytes BIGINT, quality VARCHAR, schema_checks VARCHAR, batch BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS training_runs (run_id VARCHAR NOT NULL, model VARCHAR NOT NULL, version VARCHAR, status VARCHAR NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT, params VARCHAR NOT NULL, metrics VARCHAR NOT NULL, dataset_sizes VARCHAR NOT NULL, batch BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS quality_counts (model VARCHAR NOT NULL, minute BIGINT NOT NULL, feature VARCHAR NOT NULL, kind VARCHAR NOT NULL, count BIGINT NOT NULL, batch BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS ru_inf_m (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, count BIGINT, latency_count BIGINT, latency_sum DOUBLE, batch_count BIGINT, batch_sum DOUBLE, score_count BIGINT, score_sum DOUBLE, labelled BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_inf_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, count BIGINT, latency_count BIGINT, latency_sum DOUBLE, batch_count BIGINT, batch_sum DOUBLE, score_count BIGINT, score_sum DOUBLE, labelled BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_bins_m (kind VARCHAR, model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, bin INTEGER, count BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_bins_h (kind VARCHAR, model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, bin INTEGER, count BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_feat_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, feature VARCHAR, count BIGINT, nulls BIGINT, num_count BIGINT, sum DOUBLE, min DOUBLE, max DOUBLE, build BIGINT);
    `,
  },
  {
    // drift: hourly histograms of numeric features on reference edges (hist_specs says which),
    // value counts of categorical ones, and reference rows (one ref_<model> table per model)
    version: 2,
    sql: `
      CREATE TABLE IF NOT EXISTS ru_hist_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, feature VARCHAR, bin INTEGER, count BIGINT, min DOUBLE, max DOUBLE, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_vals_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, feature VARCHAR, value VARCHAR, count BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS hist_specs (model VARCHAR NOT NULL, feature VARCHAR NOT NULL, spec VARCHAR NOT NULL, PRIMARY KEY (model, feature));
    `,
  },
  {
    // realized performance per hour of the prediction's time (ADR 8, performance-fold.ts): partial
    // rows for first labels, merged by compaction; the hours of corrected labels are recomputed
    version: 3,
    sql: `
      CREATE TABLE IF NOT EXISTS ru_perf_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, labelled BIGINT, delay_sum DOUBLE,
        ll_n BIGINT, ll_sum DOUBLE, ll_skipped BIGINT, reg_n BIGINT, abs_err DOUBLE, sq_err DOUBLE, ape DOUBLE, shift DOUBLE, shifted_sum DOUBLE,
        shifted_sq DOUBLE, y_min DOUBLE, y_max DOUBLE, reg_skipped BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_perf_conf_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, truth VARCHAR, predicted VARCHAR, count BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_perf_score_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, cls VARCHAR, bin INTEGER, positives BIGINT, negatives BIGINT, build BIGINT);
      CREATE TABLE IF NOT EXISTS ru_perf_cal_h (model VARCHAR, version VARCHAR, seg VARCHAR, bucket BIGINT, cls VARCHAR, bins INTEGER, bin INTEGER, count BIGINT, score_sum DOUBLE, positives BIGINT, build BIGINT);
    `,
  },
];

export const ROLLUP_TABLES = ['ru_inf_m', 'ru_inf_h', 'ru_bins_m', 'ru_bins_h', 'ru_feat_h', 'ru_hist_h', 'ru_vals_h', 'ru_perf_h', 'ru_perf_conf_h', 'ru_perf_score_h', 'ru_perf_cal_h'] as const;
