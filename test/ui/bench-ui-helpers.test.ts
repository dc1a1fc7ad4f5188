// The UI benchmark's arithmetic: which chunks a built entry imports
// statically (import() is left out), and the main thread's CPU per frame
// from trace events.
import { describe, expect, it } from 'vitest';
import { entryOf, staticImports } from '../../bench/ui/bundle.ts';
import { percentile } from '../../bench/ui/browser.ts';
import { cpuPerFrame } from '../../bench/ui/trace.ts';

describe('ui bench helpers', () => {
  it('finds static imports and re-exports of a minified chunk, not dynamic ones', () => {
    const code =
      'import{a as b,c}from"./state-1.js";import"./side-2.js";export{x}from"./re-3.js";' +
      'const m=()=>import("./lazy-4.js");import{y}from"https://cdn/z.js";const s="import x from \'./no.txt\'"';
    expect(staticImports(code)).toEqual(['./state-1.js', './side-2.js', './re-3.js']);
  });

  it('reads the entry script from index.html', () => {
    expect(entryOf('<script type="module" crossorigin src="./assets/index-AB.js"></script>')).toBe('assets/index-AB.js');
    expect(() => entryOf('<html></html>')).toThrow(/no module script/);
  });

  it('sums each frame interval’s task CPU, grouping the callbacks of one frame', () => {
    const ev = (name: string, ts: number, dur: number, tdur = dur) => ({ name, ph: 'X', pid: 1, tid: 1, ts, dur, tdur });
    const events = [
      ev('FireAnimationFrame', 1000, 500),
      ev('FireAnimationFrame', 1600, 100), // same frame as the one before
      ev('FireAnimationFrame', 17_700, 300),
      ev('FireAnimationFrame', 34_400, 300),
      ev('RunTask', 900, 2000, 1500), // frame 1's own task: ends inside frame 1
      ev('RunTask', 5000, 3000, 3000),
      ev('RunTask', 17_600, 1000, 400), // frame 2
      ev('RunTask', 34_300, 1000, 900), // ends after the last frame start: not counted
      { name: 'RunTask', ph: 'X', pid: 2, tid: 9, ts: 5000, dur: 9000, tdur: 9000 }, // another thread
    ];
    expect(cpuPerFrame(events)).toEqual([4.5, 0.4]);
    expect(cpuPerFrame([])).toEqual([]);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
