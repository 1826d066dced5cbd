import { useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { heatmapCells, type HeatmapData } from '../../lib/panel-data.ts';
import { formatValue } from '../../lib/format.ts';
import type { PanelRendererProps } from './types.ts';
import { useChartTheme } from './use-chart-theme.ts';
import { useElementSize } from './use-element-size.ts';

/** Columns at most: about one per pixel of a wide panel. */
const MAX_COLS = 1200;
/** Row labels are shown while rows are at least this tall (px). */
const LABEL_ROW_PX = 12;
/** The faintest cell with data, so the smallest value still reads as "some data", unlike an empty cell. */
const MIN_ALPHA = 0.12;

const rgbCache = new Map<string, [number, number, number]>();
/** Any CSS colour as RGB, resolved by the browser. */
function toRgb(color: string): [number, number, number] {
  const hit = rgbCache.get(color);
  if (hit) return hit;
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) return [128, 128, 128];
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  const rgb: [number, number, number] = [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0];
  rgbCache.set(color, rgb);
  return rgb;
}

/** One pixel per cell, in the series colour with opacity rising with the value; empty cells stay transparent. */
function cellImage(h: HeatmapData, rgb: [number, number, number]): ImageData | null {
  const rows = h.rows.length;
  if (rows === 0 || h.cols === 0) return null;
  const img = new ImageData(h.cols, rows);
  const px = img.data;
  const lo = h.min ?? 0;
  const span = (h.max ?? 0) - lo;
  for (let i = 0; i < h.values.length; i++) {
    const v = h.values[i] as number;
    if (Number.isNaN(v)) continue;
    const t = span > 0 ? (v - lo) / span : 1;
    px[i * 4] = rgb[0];
    px[i * 4 + 1] = rgb[1];
    px[i * 4 + 2] = rgb[2];
    px[i * 4 + 3] = Math.round(255 * (MIN_ALPHA + (1 - MIN_ALPHA) * t));
  }
  return img;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A time × series grid on a canvas, coloured from min to max; hover shows a cell's value. */
export function HeatmapPanel({ answer, unit = answer.unit, height }: PanelRendererProps & { height?: number }) {
  const data = useMemo(() => heatmapCells(answer, MAX_COLS), [answer]);
  const theme = useChartTheme();
  const plotRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const size = useElementSize(plotRef);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const color = theme.series[0] as string;

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || size.width === 0 || size.height === 0) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.width * dpr);
    canvas.height = Math.round(size.height * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const img = cellImage(data, toRgb(color));
    if (!img) return;
    const cells = document.createElement('canvas');
    cells.width = img.width;
    cells.height = img.height;
    cells.getContext('2d')?.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
  }, [data, size, color]);

  const rows = data.rows.length;
  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    if (size.width === 0 || rows === 0 || data.cols === 0) return;
    const box = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    const col = Math.min(data.cols - 1, Math.max(0, Math.floor((x / box.width) * data.cols)));
    const row = Math.min(rows - 1, Math.max(0, Math.floor((y / box.height) * rows)));
    const v = data.values[row * data.cols + col] as number;
    const text = `${data.rows[row]} · ${timeFmt.format(data.times[col])} · ${Number.isNaN(v) ? 'no data' : formatValue(v, unit)}`;
    setHover({ x, y, text });
  };

  const showLabels = rows > 0 && size.height / rows >= LABEL_ROW_PX;
  const start = data.cols ? (data.times[0] as number) : answer.from;
  return (
    <div
      className="heatmap"
      style={height ? { height } : undefined}
      role="figure"
      aria-label={`Heatmap of ${answer.metric}: ${rows} series over time, from ${formatValue(data.min, unit)} to ${formatValue(data.max, unit)}`}
    >
      {showLabels && (
        <div className="heatmap-rows" aria-hidden="true">
          {data.rows.map((r, i) => (
            <span key={`${i}:${r}`} title={r}>
              {r}
            </span>
          ))}
        </div>
      )}
      <div className="heatmap-plot" ref={plotRef} data-testid="chart">
        <canvas ref={canvasRef} onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
        {hover && (
          <div className="chart-tooltip" style={{ left: hover.x, top: hover.y }} aria-hidden="true">
            {hover.text}
          </div>
        )}
      </div>
      <div className="heatmap-axis" aria-hidden="true">
        <span>{timeFmt.format(start)}</span>
        <span className="heatmap-scale">
          {formatValue(data.min, unit, { short: true })}
          <span className="heatmap-gradient" />
          {formatValue(data.max, unit, { short: true })}
        </span>
        <span>{timeFmt.format(data.end)}</span>
      </div>
    </div>
  );
}
