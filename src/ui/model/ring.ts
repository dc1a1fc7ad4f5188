// Geometry of the cluster ring, as plain maths (no DOM): where each member
// sits, where a message is along a link, the election-timer arc. Coordinates
// are SVG user units; the view scales them with a viewBox.

export interface Point {
  x: number;
  y: number;
}

/** n points on a circle, the first at the top, going clockwise (a lone member sits in the middle). */
export function ringPositions(n: number, cx: number, cy: number, r: number): Point[] {
  if (n === 1) return [{ x: cx, y: cy }];
  const out: Point[] = [];
  for (let i = 0; i < n; i++) {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    out.push({ x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
  }
  return out;
}

/**
 * A point a fraction p of the way from the edge of circle a to the edge of
 * circle b (radius nodeR each). Messages keep to their own lane, shifted
 * sideways by `lane` units (positive = to the right of the direction of
 * travel), so a request and its response do not overlap.
 */
export function alongLink(a: Point, b: Point, p: number, nodeR: number, lane = 0): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len === 0) return { x: a.x, y: a.y };
  const ux = dx / len;
  const uy = dy / len;
  const span = Math.max(0, len - 2 * nodeR);
  const d = nodeR + span * Math.min(1, Math.max(0, p));
  // The right-hand normal of (ux, uy) in screen coordinates (y grows downwards).
  return { x: a.x + ux * d - uy * lane, y: a.y + uy * d + ux * lane };
}

/**
 * An SVG arc path around (cx, cy) of radius r covering fraction f of the
 * circle, starting at the top and going clockwise. Empty for f <= 0; a full
 * circle (two half arcs) for f >= 1.
 */
export function arcPath(cx: number, cy: number, r: number, f: number): string {
  if (!(f > 0)) return '';
  const p = (a: number) => `${(cx + r * Math.cos(a)).toFixed(2)} ${(cy + r * Math.sin(a)).toFixed(2)}`;
  const start = -Math.PI / 2;
  if (f >= 1) return `M ${p(start)} A ${r} ${r} 0 1 1 ${p(start + Math.PI)} A ${r} ${r} 0 1 1 ${p(start)}`;
  const end = start + 2 * Math.PI * f;
  return `M ${p(start)} A ${r} ${r} 0 ${f > 0.5 ? 1 : 0} 1 ${p(end)}`;
}

/** The point d units from p, directly away from the centre c (labels sit outside the ring). Straight down for p at c. */
export function outward(p: Point, c: Point, d: number): Point {
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  const len = Math.hypot(dx, dy);
  if (len === 0) return { x: p.x, y: p.y + d };
  return { x: p.x + (dx / len) * d, y: p.y + (dy / len) * d };
}

/** Every unordered pair of ids once, in list order: the ring's links. */
export function pairs<T>(ids: readonly T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push([ids[i]!, ids[j]!]);
  return out;
}
