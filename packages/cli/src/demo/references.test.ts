import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_MODELS } from './models.ts';
import { referenceCsv } from './references.ts';

test('a demo reference is a CSV of the model\'s features, the same for the same seed', () => {
  for (const m of DEMO_MODELS) {
    const csv = referenceCsv(m, m.stableVersion, 7, 200, Date.UTC(2026, 0, 2));
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines.length, 201);
    const header = lines[0]!.split(',');
    assert.deepEqual(header, (m.spec.schema?.features ?? []).filter((f) => f.type !== 'text').map((f) => f.name));
    for (const l of lines.slice(1)) assert.equal(l.split(',').length, header.length, `${m.spec.id}: ${l}`);
    assert.equal(referenceCsv(m, m.stableVersion, 7, 200, Date.UTC(2026, 0, 2)), csv);
    assert.notEqual(referenceCsv(m, m.stableVersion, 8, 200, Date.UTC(2026, 0, 2)), csv);
  }
});
