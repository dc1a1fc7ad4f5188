// The page's dictionary: both languages have every message, with the same
// placeholders, and translate() fills them.
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../src/ui/i18n/lang.ts';
import { MESSAGES, placeholders, translate, type MessageKey } from '../../src/ui/i18n/messages.ts';

const keys = Object.keys(MESSAGES.en) as MessageKey[];

describe('UI messages', () => {
  it('has a non-empty message for every key in every language', () => {
    for (const l of LANGS) {
      expect(Object.keys(MESSAGES[l]).sort()).toEqual([...keys].sort());
      for (const k of keys) expect(MESSAGES[l][k].trim(), `${l} ${k}`).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const k of keys) expect(placeholders(MESSAGES.zh[k]), k).toEqual(placeholders(MESSAGES.en[k]));
  });

  it('translates the visible labels into Chinese characters', () => {
    for (const k of ['tab.ring', 'time.step', 'fault.heal', 'setup.members', 'legend.leader'] as MessageKey[]) {
      expect(translate('zh', k)).toMatch(/[\u4e00-\u9fff]/);
      expect(translate('en', k)).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('fills placeholders and leaves unknown ones as they are', () => {
    expect(translate('en', 'present.stepOf', { n: 2, count: 5 })).toBe('step 2 of 5');
    expect(translate('zh', 'present.stepOf', { n: 2, count: 5 })).toBe('第 2 步，共 5 步');
    expect(translate('en', 'present.stepOf', { n: 2 })).toBe('step 2 of {count}');
    expect(translate('en', 'setup.electionTooShort', { min: 500 })).toContain('(500 ms)');
  });
});
