// Seeded randomness for the simulation. sfc32 is small, fast and passes
// PractRand; splitmix32 spreads a 32-bit seed over its 128-bit state. Every
// random choice in the engine comes from one of these streams, so the same
// seed replays the same run bit for bit.

/** One splitmix32 step: a well-mixed 32-bit value from a 32-bit counter. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over a string's UTF-16 code units; only used to turn fork labels into numbers. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Prng {
  /** The 32-bit seed this stream was created from (forks derive from it, not from the state). */
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let s = this.seed;
    this.a = s = splitmix32(s);
    this.b = s = splitmix32(s);
    this.c = s = splitmix32(s);
    this.d = splitmix32(s);
    // Discard the first outputs: sfc32 needs a few rounds to decorrelate from the seed.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [0, n) for 0 < n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A float in [lo, hi); lo when the range is empty. */
  range(lo: number, hi: number): number {
    return hi > lo ? lo + this.next() * (hi - lo) : lo;
  }

  /** True with probability p (never draws when p is 0 or 1, so such settings cost nothing). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /**
   * An independent stream named by label. It depends only on this stream's seed
   * and the label, never on how many values were drawn, so giving a new part of
   * the system its own fork cannot shift anyone else's randomness.
   */
  fork(label: string): Prng {
    return new Prng(splitmix32(this.seed ^ splitmix32(hashLabel(label))));
  }
}
