import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPipelineRun, checkTrainingRun } from '@vigil/core';
import { HOUR } from './model-types.ts';
import { pipelineRun, pipelineRunsBetween, PIPELINES, trainingRun, trainingRunsBetween, TRAININGS } from './runs.ts';
import { SERVER_NOW, T0 } from './test-helpers.ts';

const DAY = 24 * HOUR;
const day = pipelineRunsBetween(3, T0 - DAY, T0);
const trainings = trainingRunsBetween(3, T0 - DAY, T0);

describe('pipeline runs', () => {
  it('every event passes the server check', () => {
    for (const r of day) assert.ok(checkPipelineRun(r, SERVER_NOW).ok, JSON.stringify(r));
  });

  it('each pipeline runs on its schedule with extract, transform and load', () => {
    for (const def of PIPELINES) {
      const runs = new Set(day.filter((r) => r.pipeline === def.pipeline).map((r) => r.run_id));
      assert.ok(Math.abs(runs.size - DAY / def.everyMs) <= 1, `${def.pipeline}: ${runs.size} runs`);
    }
    const one = pipelineRun(3, PIPELINES[0]!, T0);
    assert.deepEqual([...new Set(one.map((r) => r.stage))], ['extract', 'transform', 'load']);
  });

  it('a failed stage skips the stages after it and reports why', () => {
    const def = PIPELINES[0]!;
    let failed = 0;
    for (let s = 0; s < 200; s++) {
      const run = pipelineRun(3, def, T0 + s * def.everyMs);
      const fail = run.findIndex((r) => r.status === 'failed');
      if (fail < 0) continue;
      failed++;
      assert.ok(run.slice(fail + 1).every((r) => r.status === 'skipped'));
      // the reason is a failed check in the structured form (docs/data-quality.md)
      const checks = (run[fail]?.quality as { checks?: { status: string; message?: string }[] } | undefined)?.checks ?? [];
      assert.ok(checks.some((c) => c.status === 'failed' && typeof c.message === 'string' && c.message.length > 0));
    }
    assert.ok(failed > 200 * def.failShare * 0.5 && failed < 200 * def.failShare * 2, `${failed} failed`);
  });

  it('rows and durations are plausible: out <= in, end after start', () => {
    for (const r of day) {
      if (r.status === 'succeeded') {
        assert.ok((r.rows_out ?? 0) <= (r.rows_in ?? 0));
        assert.ok(Date.parse(r.ended_at ?? '') > Date.parse(r.started_at));
      }
    }
  });

  it('splitting the range gives the same events', () => {
    const a = pipelineRunsBetween(3, T0 - DAY, T0 - 5 * HOUR);
    const b = pipelineRunsBetween(3, T0 - 5 * HOUR, T0);
    const key = (r: (typeof day)[number]) => `${r.run_id}/${r.stage}/${r.status}`;
    assert.deepEqual([...a, ...b].map(key).sort(), day.map(key).sort());
  });
});

describe('training runs', () => {
  it('every event passes the server check and each run starts then ends', () => {
    for (const r of trainings) assert.ok(checkTrainingRun(r, SERVER_NOW).ok, JSON.stringify(r));
    const def = TRAININGS[0]!;
    const [start, end] = trainingRun(3, def, T0);
    assert.equal(start?.status, 'running');
    assert.ok(end?.status === 'succeeded' || end?.status === 'failed');
    assert.ok(Object.keys(end?.params ?? {}).length >= 3);
    assert.ok((end?.dataset_sizes?.train ?? 0) > 0);
  });

  it('succeeded runs have decreasing loss curves and improving accuracy', () => {
    let seen = 0;
    for (const r of trainings) {
      if (r.status !== 'succeeded' || !r.metrics) continue;
      seen++;
      const loss = r.metrics.loss ?? [];
      assert.ok(loss.length >= 40);
      assert.ok((loss.at(-1)?.[1] ?? 9) < (loss[0]?.[1] ?? 0) / 2);
      assert.deepEqual(loss.map(([s]) => s), loss.map((_, i) => i));
      const acc = r.metrics.val_accuracy;
      if (acc) assert.ok((acc.at(-1)?.[1] ?? 0) > (acc[0]?.[1] ?? 1));
    }
    assert.ok(seen >= 10, `${seen} succeeded runs`);
  });
});
