// The shell runs on virtual time only: no wall clock, randomness, timers or
// DOM in src/terminal/shell (the page's edge is src/terminal/xterm.ts and src/ui).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../src/terminal/shell');
const FORBIDDEN = /\b(Date\.now|new Date\(|Math\.random|setTimeout|setInterval|performance\.|requestAnimationFrame|window\.|document\.|localStorage|navigator\.|@xterm)/;

describe('src/terminal/shell purity', () => {
  it('uses no wall clock, randomness, timers or DOM', () => {
    const bad: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/(^|\s)\/\/.*$/, '');
          if (FORBIDDEN.test(code)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(bad).toEqual([]);
  });
});
