import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, formatTime } from './dom';

/** Colour-blind friendly series colours (Okabe–Ito, then Tableau), cycled. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000',
  '#4E79A7', '#F28E2B', '#59A14F', '#B07AA1'];

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color?: string;
  dash?: number[];
  width?: number;
}

export interface ChartMarker {
  time: number; // epoch ms
  label: string;
  detail?: string;
}

export interface Band {
  from: number; // epoch ms
  to: number; // epoch ms
  color: string;
  label?: string;
}

export interface ChartSpec {
  title: string;
  xs: number[]; // epoch seconds
  series: ChartSeries[];
  markers?: ChartMarker[];
  bands?: Band[];
  height?: number;
  /** Called with the time range (epoch ms) a person selects by dragging across the plot. */
  onZoom?: (fromMs: number, toMs: number) => void;
}

/** Vertical event lines on the canvas, with focusable HTML markers over the plot that name each event. */
function markersPlugin(markers: ChartMarker[]): uPlot.Plugin {
  const els: HTMLElement[] = [];
  return {
    hooks: {
      // Created once the plot's overlay exists (init), positioned on every draw (zoom, resize).
      init: (u) => {
        const layer = h('div', { class: 'event-layer' });
        for (const m of markers) {
          const el = h('button', {
            type: 'button', class: 'event-marker', 'data-time': m.time,
            title: `${m.label} — ${formatTime(m.time)}${m.detail ? `\n${m.detail}` : ''}`,
            'aria-label': `Event: ${m.label} at ${formatTime(m.time)}`,
          }, '▼');
          els.push(el);
          layer.appendChild(el);
        }
        u.over.appendChild(layer);
      },
      draw: (u) => {
        const ctx = u.ctx;
        const [min, max] = [u.scales.x!.min!, u.scales.x!.max!];
        ctx.save();
        ctx.strokeStyle = 'rgba(120, 60, 170, 0.8)';
        ctx.lineWidth = Math.max(1, uPlot.pxRatio);
        ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
        markers.forEach((m, i) => {
          const t = m.time / 1000;
          const el = els[i];
          if (!el) return;
          if (t < min || t > max) {
            el.hidden = true;
            return;
          }
          el.hidden = false;
          const x = u.valToPos(t, 'x', true);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          el.style.left = `${u.valToPos(t, 'x')}px`;
        });
        ctx.restore();
      },
    },
  };
}

/** Shaded time ranges behind the series (firing periods of a backtest). */
function bandsPlugin(bands: Band[]): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const ctx = u.ctx;
        const [min, max] = [u.scales.x!.min!, u.scales.x!.max!];
        ctx.save();
        for (const b of bands) {
          const from = Math.max(b.from / 1000, min);
          const to = Math.min(b.to / 1000, max);
          if (to <= from) continue;
          const x0 = u.valToPos(from, 'x', true);
          const x1 = u.valToPos(to, 'x', true);
          ctx.fillStyle = b.color;
          ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
        }
        ctx.restore();
      },
    },
  };
}

/** A uPlot time-series chart that follows its container's width. Returns the element and a destroy hook. */
export function renderChart(container: HTMLElement, spec: ChartSpec): { plot: uPlot; destroy: () => void } {
  const width = Math.max(320, container.clientWidth || 800);
  const opts: uPlot.Options = {
    title: spec.title || undefined,
    width,
    height: spec.height ?? 360,
    scales: { x: { time: true } },
    // Axes in UTC, as every time the console prints.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    series: [
      { label: 'time', value: (_u, v) => (v == null ? '' : formatTime(v * 1000)) },
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? PALETTE[i % PALETTE.length],
        width: s.width ?? 2,
        dash: s.dash,
        spanGaps: false,
        points: { show: spec.xs.length < 80 },
      })),
    ],
    axes: [{}, { size: 60 }],
    legend: { live: true },
    // With onZoom the caller re-queries the selected range (finer steps); uPlot itself does not rescale.
    cursor: spec.onZoom ? { drag: { x: true, y: false, setScale: false } } : {},
    hooks: spec.onZoom ? {
      setSelect: [(u: uPlot) => {
        if (u.select.width < 3) return;
        const from = u.posToVal(u.select.left, 'x') * 1000;
        const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        spec.onZoom!(from, to);
      }],
    } : {},
    plugins: [markersPlugin(spec.markers ?? []), bandsPlugin(spec.bands ?? [])],
  };
  const data: uPlot.AlignedData = [spec.xs, ...spec.series.map((s) => s.values)];
  const plot = new uPlot(opts, data, container);
  const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
    const w = Math.max(320, container.clientWidth);
    if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: plot.height });
  });
  ro?.observe(container);
  return { plot, destroy: () => { ro?.disconnect(); plot.destroy(); } };
}
