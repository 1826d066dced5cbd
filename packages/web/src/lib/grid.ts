// Grid maths for dashboards, kept pure so the grid component stays thin: converting between a
// spec's panel layouts and react-grid-layout's items, placing new panels, compacting and
// telling whether a layout changed. Positions are in grid cells: 24 columns, rows of fixed height.

/** Columns of the dashboard grid (core's GRID_COLUMNS). */
export const GRID_COLS = 24;
/** Tallest a panel may be, in rows (the spec's limit). */
export const MAX_ROWS = 40;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What react-grid-layout calls a LayoutItem (the fields Vigil keeps). */
export interface GridItem extends Rect {
  i: string;
}

/** Anything with an id and a layout: a panel. */
export interface Placed {
  id: string;
  layout: Rect;
}

const int = (n: number, fallback: number) => (Number.isFinite(n) ? Math.round(n) : fallback);

/** A rect the spec accepts: whole cells, 1–24 wide, 1–40 tall, inside the 24 columns, y ≥ 0. */
export function clampRect(r: Rect, cols = GRID_COLS): Rect {
  const w = Math.min(cols, Math.max(1, int(r.w, 1)));
  const h = Math.min(MAX_ROWS, Math.max(1, int(r.h, 1)));
  const x = Math.min(cols - w, Math.max(0, int(r.x, 0)));
  const y = Math.max(0, int(r.y, 0));
  return { x, y, w, h };
}

export function toGridItems(panels: readonly Placed[]): GridItem[] {
  return panels.map((p) => ({ i: p.id, ...clampRect(p.layout) }));
}

const sameRect = (a: Rect, b: Rect) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

/**
 * The panels with the grid's positions written back. A panel the grid did not move keeps its
 * identity (so its chart does not refetch); a panel the grid does not know keeps its layout.
 */
export function applyGridItems<P extends Placed>(panels: readonly P[], items: readonly GridItem[]): P[] {
  const byId = new Map(items.map((it) => [it.i, it]));
  return panels.map((p) => {
    const it = byId.get(p.id);
    if (!it) return p;
    const next = clampRect(it);
    return sameRect(next, p.layout) ? p : { ...p, layout: next };
  });
}

/** Did anything move, grow, appear or disappear? Item order does not matter. */
export function layoutChanged(before: readonly GridItem[], after: readonly GridItem[]): boolean {
  if (before.length !== after.length) return true;
  const byId = new Map(before.map((it) => [it.i, it]));
  if (byId.size !== after.length) return true;
  return after.some((it) => {
    const old = byId.get(it.i);
    return !old || !sameRect(old, it);
  });
}

export const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The first empty row below every item. */
export const bottom = (rects: readonly Rect[]) => rects.reduce((m, r) => Math.max(m, r.y + r.h), 0);

/**
 * Where a new w×h panel goes: the first spot, reading row by row from the top left, that
 * overlaps nothing; below everything when no gap is big enough.
 */
export function firstFreeSpot(existing: readonly Rect[], size: { w: number; h: number }, cols = GRID_COLS): Rect {
  const { w, h } = clampRect({ x: 0, y: 0, ...size }, cols);
  const end = bottom(existing);
  for (let y = 0; y < end; y++) {
    for (let x = 0; x + w <= cols; x++) {
      const r = { x, y, w, h };
      if (!existing.some((e) => overlaps(e, r))) return r;
    }
  }
  return { x: 0, y: end, w, h };
}

/**
 * Moves every item up as far as it goes without overlapping the ones above it, in reading order
 * (top to bottom, then left to right): what react-grid-layout's vertical compactor shows, so a
 * saved layout is the one the user saw. Overlapping items are pushed down below each other.
 */
export function compact(items: readonly GridItem[]): GridItem[] {
  const sorted = [...items].map((it) => ({ ...it, ...clampRect(it) })).sort((a, b) => a.y - b.y || a.x - b.x);
  const placed: GridItem[] = [];
  for (const it of sorted) {
    let y = Math.min(it.y, bottom(placed));
    while (y > 0 && !placed.some((p) => overlaps(p, { ...it, y: y - 1 }))) y--;
    for (let hit = placed.find((p) => overlaps(p, { ...it, y })); hit; hit = placed.find((p) => overlaps(p, { ...it, y }))) y = hit.y + hit.h;
    placed.push({ ...it, y });
  }
  // keep the caller's order, so a list rendered from it does not reshuffle
  const byId = new Map(placed.map((p) => [p.i, p]));
  return items.map((it) => byId.get(it.i) as GridItem);
}

/** The panels, compacted the way the grid shows them. */
export function compactPanels<P extends Placed>(panels: readonly P[]): P[] {
  return applyGridItems(panels, compact(toGridItems(panels)));
}

/** Default size of a new panel by kind: stats are small, charts half the width. */
export function defaultSize(kind: string): { w: number; h: number } {
  return kind === 'stat' ? { w: 6, h: 4 } : { w: 12, h: 8 };
}
