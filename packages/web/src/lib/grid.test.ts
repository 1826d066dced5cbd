import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyGridItems, clampRect, compact, compactPanels, defaultSize, firstFreeSpot, layoutChanged, overlaps, toGridItems, type GridItem, type Rect } from './grid.ts';

const item = (i: string, x: number, y: number, w: number, h: number): GridItem => ({ i, x, y, w, h });
const panel = (id: string, x: number, y: number, w: number, h: number) => ({ id, title: id, layout: { x, y, w, h } });

test('clampRect keeps a rect on the 24-column grid, in whole cells', () => {
  const cases: [Rect, Rect, string][] = [
    [{ x: 0, y: 0, w: 12, h: 8 }, { x: 0, y: 0, w: 12, h: 8 }, 'already valid'],
    [{ x: 20, y: 0, w: 12, h: 8 }, { x: 12, y: 0, w: 12, h: 8 }, 'past the right edge: moved left'],
    [{ x: 0, y: 0, w: 30, h: 8 }, { x: 0, y: 0, w: 24, h: 8 }, 'too wide'],
    [{ x: -3, y: -2, w: 0, h: 0 }, { x: 0, y: 0, w: 1, h: 1 }, 'negative and empty'],
    [{ x: 2.4, y: 3.6, w: 5.5, h: 50 }, { x: 2, y: 4, w: 6, h: 40 }, 'fractions rounded, height capped at 40'],
    [{ x: 23, y: 0, w: 1, h: 1 }, { x: 23, y: 0, w: 1, h: 1 }, 'last column'],
    [{ x: Number.NaN, y: Number.POSITIVE_INFINITY, w: Number.NaN, h: 2 }, { x: 0, y: 0, w: 1, h: 2 }, 'not numbers'],
  ];
  for (const [input, want, name] of cases) assert.deepEqual(clampRect(input), want, name);
});

test('spec panels become grid items and back', () => {
  const panels = [panel('a', 0, 0, 12, 8), panel('b', 30, 0, 12, 8)];
  assert.deepEqual(toGridItems(panels), [item('a', 0, 0, 12, 8), item('b', 12, 0, 12, 8)]);

  const moved = applyGridItems(panels, [item('a', 0, 0, 12, 8), item('b', 0, 8, 24, 6)]);
  assert.equal(moved[0], panels[0], 'an unmoved panel keeps its identity, so its chart does not refetch');
  assert.deepEqual(moved[1], { id: 'b', title: 'b', layout: { x: 0, y: 8, w: 24, h: 6 } });
  assert.deepEqual(applyGridItems(panels, [item('b', 26, 0, 4, 4)])[1]?.layout, { x: 20, y: 0, w: 4, h: 4 }, 'the grid cannot push a panel off the 24 columns');
  assert.equal(applyGridItems(panels, [])[0], panels[0], 'a panel the grid does not know is left alone');
});

test('layoutChanged sees moves, resizes, additions and removals, not reordering', () => {
  const base = [item('a', 0, 0, 12, 8), item('b', 12, 0, 12, 8)];
  const cases: [GridItem[], boolean, string][] = [
    [[item('a', 0, 0, 12, 8), item('b', 12, 0, 12, 8)], false, 'same'],
    [[item('b', 12, 0, 12, 8), item('a', 0, 0, 12, 8)], false, 'reordered'],
    [[item('a', 0, 8, 12, 8), item('b', 12, 0, 12, 8)], true, 'moved down'],
    [[item('a', 0, 0, 12, 9), item('b', 12, 0, 12, 8)], true, 'taller'],
    [[item('a', 0, 0, 12, 8)], true, 'removed'],
    [[...base, item('c', 0, 8, 6, 4)], true, 'added'],
    [[item('a', 0, 0, 12, 8), item('c', 12, 0, 12, 8)], true, 'replaced'],
    [[item('a', 0, 0, 12, 8), item('a', 12, 0, 12, 8)], true, 'duplicate id'],
  ];
  for (const [after, want, name] of cases) assert.equal(layoutChanged(base, after), want, name);
});

test('overlaps: touching edges do not overlap', () => {
  const a = { x: 0, y: 0, w: 12, h: 8 };
  const cases: [Rect, boolean][] = [
    [{ x: 12, y: 0, w: 12, h: 8 }, false],
    [{ x: 0, y: 8, w: 12, h: 8 }, false],
    [{ x: 11, y: 7, w: 2, h: 2 }, true],
    [{ x: 2, y: 2, w: 2, h: 2 }, true],
    [{ x: 0, y: 0, w: 24, h: 1 }, true],
  ];
  for (const [b, want] of cases) assert.equal(overlaps(a, b), want, JSON.stringify(b));
});

test('firstFreeSpot puts a new panel in the first gap, reading order, without overlap', () => {
  const cases: [Rect[], { w: number; h: number }, Rect, string][] = [
    [[], { w: 12, h: 8 }, { x: 0, y: 0, w: 12, h: 8 }, 'empty dashboard: top left'],
    [[{ x: 0, y: 0, w: 12, h: 8 }], { w: 12, h: 8 }, { x: 12, y: 0, w: 12, h: 8 }, 'beside the first panel'],
    [[{ x: 0, y: 0, w: 12, h: 8 }, { x: 12, y: 0, w: 12, h: 8 }], { w: 12, h: 8 }, { x: 0, y: 8, w: 12, h: 8 }, 'full row: below'],
    [[{ x: 0, y: 0, w: 24, h: 4 }, { x: 0, y: 4, w: 6, h: 4 }], { w: 6, h: 4 }, { x: 6, y: 4, w: 6, h: 4 }, 'gap in the second row'],
    [[{ x: 0, y: 0, w: 20, h: 8 }], { w: 6, h: 4 }, { x: 0, y: 8, w: 6, h: 4 }, 'the gap on the right is too narrow'],
    [[{ x: 0, y: 0, w: 8, h: 2 }, { x: 16, y: 0, w: 8, h: 8 }, { x: 0, y: 2, w: 8, h: 6 }], { w: 8, h: 8 }, { x: 8, y: 0, w: 8, h: 8 }, 'a middle column'],
    [[{ x: 0, y: 0, w: 12, h: 8 }], { w: 40, h: 99 }, { x: 0, y: 8, w: 24, h: 40 }, 'size clamped first'],
  ];
  for (const [existing, size, want, name] of cases) {
    const got = firstFreeSpot(existing, size);
    assert.deepEqual(got, want, name);
    assert.ok(!existing.some((e) => overlaps(e, got)), `${name}: no overlap`);
  }
});

test('compact moves panels up into gaps and separates overlaps, keeping the given order', () => {
  const cases: [GridItem[], GridItem[], string][] = [
    [[item('a', 0, 5, 12, 8)], [item('a', 0, 0, 12, 8)], 'floats to the top'],
    [[item('a', 0, 0, 12, 4), item('b', 0, 10, 12, 4)], [item('a', 0, 0, 12, 4), item('b', 0, 4, 12, 4)], 'closes a vertical gap'],
    [[item('a', 0, 0, 12, 4), item('b', 12, 6, 12, 4)], [item('a', 0, 0, 12, 4), item('b', 12, 0, 12, 4)], 'side by side: both at the top'],
    [[item('a', 0, 0, 12, 4), item('b', 0, 0, 12, 4)], [item('a', 0, 0, 12, 4), item('b', 0, 4, 12, 4)], 'overlap: the second goes below'],
    [[item('b', 0, 9, 24, 2), item('a', 0, 0, 12, 4)], [item('b', 0, 4, 24, 2), item('a', 0, 0, 12, 4)], 'order of the input kept'],
    [[item('a', 0, 0, 24, 3), item('b', 0, 3, 8, 8), item('c', 8, 12, 8, 2)], [item('a', 0, 0, 24, 3), item('b', 0, 3, 8, 8), item('c', 8, 3, 8, 2)], 'moves past a panel in other columns'],
  ];
  for (const [input, want, name] of cases) {
    const got = compact(input);
    assert.deepEqual(got, want, name);
    for (const [i, a] of got.entries()) for (const b of got.slice(i + 1)) assert.ok(!overlaps(a, b), `${name}: ${a.i} and ${b.i} do not overlap`);
  }
  assert.deepEqual(compact([]), []);
});

test('compactPanels closes the gap a removed panel leaves', () => {
  const panels = [panel('top', 0, 0, 24, 4), panel('under', 0, 12, 12, 8)];
  assert.deepEqual(compactPanels(panels).map((p) => p.layout), [{ x: 0, y: 0, w: 24, h: 4 }, { x: 0, y: 4, w: 12, h: 8 }]);
  assert.equal(compactPanels(panels)[0], panels[0]);
});

test('defaultSize: stats are small, charts half the grid', () => {
  assert.deepEqual(defaultSize('stat'), { w: 6, h: 4 });
  assert.deepEqual(defaultSize('timeseries'), { w: 12, h: 8 });
});
