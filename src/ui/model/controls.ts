// Slider maths for the controls: speed on a log scale from 0.01x to 100x,
// latency on a log scale in ms, rounded to values worth reading aloud.

export const SPEED_MIN = 0.01;
export const SPEED_MAX = 100;

/** Two significant digits: 0.0126 -> 0.013, 3.98 -> 4, 251 -> 250. */
export function roundNice(x: number): number {
  if (!(x > 0)) return 0;
  const p = Math.pow(10, Math.floor(Math.log10(x)) - 1);
  return Math.round(x / p) * p;
}

/** Slider position in [-2, 2] (log10 of the speed) to a speed; snaps near 1x. */
export function sliderToSpeed(v: number): number {
  const clamped = Math.min(2, Math.max(-2, v));
  if (Math.abs(clamped) < 0.04) return 1;
  return Number(roundNice(Math.pow(10, clamped)).toPrecision(2));
}

export function speedToSlider(speed: number): number {
  if (!(speed > 0)) return -2;
  return Math.min(2, Math.max(-2, Math.log10(speed)));
}

export function formatSpeed(speed: number): string {
  return `${Number(speed.toPrecision(2))}×`;
}

/** Latency slider in [0, 1] to a one-way maximum latency in ms (0 at the left end, then 1 ms .. 2000 ms, log). */
export function sliderToLatency(v: number): number {
  if (!(v > 0)) return 0;
  return Number(roundNice(Math.pow(10, Math.min(1, v) * Math.log10(2000))).toPrecision(2));
}

export function latencyToSlider(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(1, Math.log10(ms) / Math.log10(2000));
}

/** The network's latency range for a chosen maximum, keeping the default's spread (1-5 ms: min is a fifth of max). */
export function latencyRange(max: number): { latencyMin: number; latencyMax: number } {
  return { latencyMin: Math.round(max * 0.2 * 100) / 100, latencyMax: max };
}
