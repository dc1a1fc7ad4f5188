// The lesson files: every plan sound, every language present with the same
// steps and checkpoints, every condition and remembered value known, and the
// catalog refusing a broken file with a reason.
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../src/ui/i18n/lang.ts';
import { lessonFiles, lessons, planErrors, textErrors } from '../../src/ui/lessons/catalog.ts';
import { conditionError } from '../../src/ui/lessons/conditions/index.ts';
import { placeholders } from '../../src/ui/lessons/remember.ts';
import type { LessonPlan, LessonText } from '../../src/ui/lessons/types.ts';

const { plans, texts } = lessonFiles();

describe('lesson files', () => {
  it('has ten plans, each with a text in every language and no stray text file', () => {
    expect(plans.size).toBe(10);
    for (const id of texts.keys()) expect(plans.has(id), `${id}.*.json has no plan`).toBe(true);
    for (const id of plans.keys()) expect([...(texts.get(id)?.keys() ?? [])].sort()).toEqual([...LANGS].sort());
  });

  for (const [id, plan] of plans) {
    it(`${id}: plan and texts are sound`, () => {
      expect(planErrors(id, plan)).toEqual([]);
      for (const lang of LANGS) expect(textErrors(id, lang, plan as LessonPlan, texts.get(id)!.get(lang))).toEqual([]);
    });

    it(`${id}: languages agree on steps, checkpoints and placeholders`, () => {
      const [en, zh] = LANGS.map((l) => texts.get(id)!.get(l) as LessonText);
      expect(zh!.steps.length).toBe(en!.steps.length);
      en!.steps.forEach((s, i) => {
        const z = zh!.steps[i]!;
        expect(z.checkpoint === undefined, `step ${i + 1} checkpoint`).toBe(s.checkpoint === undefined);
        expect(z.checkpoint?.choices.length).toBe(s.checkpoint?.choices.length);
        const ph = (t: { text: string; checkpoint?: { question: string; explain: string; choices: string[] } }) =>
          [t.text, t.checkpoint?.question ?? '', t.checkpoint?.explain ?? '', ...(t.checkpoint?.choices ?? [])].flatMap(placeholders).sort();
        expect(ph(z), `step ${i + 1} placeholders`).toEqual(ph(s));
        // Commands in backticks are the same in every language.
        const code = (t: string) => [...t.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
        expect(code(z.text), `step ${i + 1} code spans`).toEqual(code(s.text));
      });
    });
  }

  it('every lesson from 5 to 7 asks at least one question', () => {
    for (const l of lessons('en').filter((x) => ['failover', 'replication', 'reads'].includes(x.id))) {
      expect(l.steps.some((s) => s.checkpoint)).toBe(true);
    }
  });

  it('names the problem in a broken file', () => {
    const plan = { id: 'x', order: 1, steps: [{ command: 'kill {nobody}', check: [{ leaderChanged: 'l', extra: 1 }], remember: { l: 'noSuchSource' } }] };
    const errs = planErrors('x', plan).join('\n');
    expect(errs).toMatch(/unknown placeholder \{nobody\}/);
    expect(errs).toMatch(/does not take extra/);
    expect(errs).toMatch(/unknown source "noSuchSource"/);
    expect(conditionError({ nosuch: 1 })).toMatch(/unknown condition/);
    expect(planErrors('x', { id: 'y', steps: [] })[0]).toMatch(/needs "id": "x"/);
    const good = { id: 'x', steps: [{ check: [{ ran: 'members' }], checkpoint: { choices: 2, answer: 1 } }] } as LessonPlan;
    expect(textErrors('x', 'zh', good, { title: 't', summary: 's', steps: [] })[0]).toMatch(/has 0 steps, the plan 1/);
    expect(textErrors('x', 'zh', good, { title: 't', summary: 's', steps: [{ title: 'a', text: 'b', notes: 'n' }] })[0]).toMatch(/checkpoint needs/);
  });

  it('puts each lesson together in both languages, in order', () => {
    const en = lessons('en');
    const zh = lessons('zh');
    expect(zh.map((l) => l.id)).toEqual(en.map((l) => l.id));
    expect(en[0]!.title).toBe('First steps with keys');
    expect(zh[0]!.title).toBe('键值入门');
    expect(zh[4]!.steps[2]!.command).toBe(en[4]!.steps[2]!.command);
  });
});
