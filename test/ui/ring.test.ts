import { describe, expect, it } from 'vitest';
import { alongLink, arcPath, outward, pairs, ringPositions } from '../../src/ui/model/ring.ts';
import { latencyRange, latencyToSlider, roundNice, sliderToLatency, sliderToSpeed, speedToSlider } from '../../src/ui/model/controls.ts';

describe('ring geometry', () => {
  it('puts the first member at the top and goes clockwise', () => {
    const p = ringPositions(4, 100, 100, 50);
    expect(p[0]!.x).toBeCloseTo(100);
    expect(p[0]!.y).toBeCloseTo(50);
    expect(p[1]!.x).toBeCloseTo(150); // right
    expect(p[2]!.y).toBeCloseTo(150); // bottom
  });

  it('puts a lone member in the middle', () => {
    expect(ringPositions(1, 10, 20, 99)).toEqual([{ x: 10, y: 20 }]);
  });

  it('runs a message from edge to edge, in its lane', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 0 };
    expect(alongLink(a, b, 0, 10)).toEqual({ x: 10, y: 0 });
    expect(alongLink(a, b, 1, 10)).toEqual({ x: 90, y: 0 });
    expect(alongLink(a, b, 0.5, 10).x).toBeCloseTo(50);
    // Clamped outside [0, 1]; the lane is to the right of travel (screen y grows down).
    expect(alongLink(a, b, 2, 10).x).toBeCloseTo(90);
    expect(alongLink(a, b, 0.5, 10, 4).y).toBeCloseTo(4);
    expect(alongLink(b, a, 0.5, 10, 4).y).toBeCloseTo(-4);
  });

  it('draws the election arc from the top, clockwise', () => {
    expect(arcPath(0, 0, 10, 0)).toBe('');
    expect(arcPath(0, 0, 10, 0.25)).toBe('M 0.00 -10.00 A 10 10 0 0 1 10.00 0.00');
    expect(arcPath(0, 0, 10, 0.75)).toContain(' 0 1 1 ');
    expect(arcPath(0, 0, 10, 1).match(/A /g)).toHaveLength(2);
  });

  it('lists each link once', () => {
    expect(pairs(['a', 'b', 'c'])).toEqual([
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
    expect(outward({ x: 10, y: 0 }, { x: 0, y: 0 }, 5)).toEqual({ x: 15, y: 0 });
  });
});

describe('control sliders', () => {
  it('maps the speed slider logarithmically from 0.01x to 100x', () => {
    expect(sliderToSpeed(-2)).toBe(0.01);
    expect(sliderToSpeed(2)).toBe(100);
    expect(sliderToSpeed(0.01)).toBe(1);
    expect(sliderToSpeed(-5)).toBe(0.01);
    expect(sliderToSpeed(Math.log10(3))).toBe(3);
    expect(speedToSlider(10)).toBeCloseTo(1);
    expect(speedToSlider(0)).toBe(-2);
  });

  it('rounds to two significant digits', () => {
    expect(roundNice(0.0126)).toBeCloseTo(0.013);
    expect(roundNice(251)).toBe(250);
    expect(roundNice(0)).toBe(0);
  });

  it('maps latency 0..2000 ms and keeps the default spread', () => {
    expect(sliderToLatency(0)).toBe(0);
    expect(sliderToLatency(1)).toBe(2000);
    expect(sliderToLatency(latencyToSlider(5))).toBe(5);
    expect(latencyRange(5)).toEqual({ latencyMin: 1, latencyMax: 5 });
  });
});
