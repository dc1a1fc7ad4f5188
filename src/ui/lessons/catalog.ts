// The lesson files, bundled at build time (so they work offline): the plans
// (data/<id>.json) and their words (data/<id>.<lang>.json), checked and put
// together per language. A file that fails the checks is left out with a
// warning rather than breaking the page; test/ui/lessons-data.test.ts fails on it.
import type { Lang } from '../i18n/lang.ts';
import { conditionError } from './conditions/index.ts';
import { isSource, placeholders } from './remember.ts';
import type { Condition, Lesson, LessonPlan, LessonText, StepPlan } from './types.ts';

const files = import.meta.glob<unknown>('./data/*.json', { eager: true, import: 'default' });

/** Plans by id and texts by id and language, as found in data/. */
export function lessonFiles(): { plans: Map<string, unknown>; texts: Map<string, Map<string, unknown>> } {
  const plans = new Map<string, unknown>();
  const texts = new Map<string, Map<string, unknown>>();
  for (const [path, data] of Object.entries(files)) {
    const m = /\/([\w-]+?)(?:\.(\w+))?\.json$/.exec(path);
    if (!m) continue;
    if (m[2] === undefined) plans.set(m[1]!, data);
    else texts.set(m[1]!, (texts.get(m[1]!) ?? new Map()).set(m[2], data));
  }
  return { plans, texts };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Placeholders must be remembered by this step or an earlier one, or be a live source. */
function placeholderErrors(where: string, text: string, known: Set<string>): string[] {
  return placeholders(text)
    .filter((p) => !known.has(p) && !isSource(p))
    .map((p) => `${where}: unknown placeholder {${p}}`);
}

/** Everything wrong with one plan (empty when it is sound). */
export function planErrors(id: string, plan: unknown): string[] {
  const errs: string[] = [];
  if (!isObj(plan) || plan.id !== id || !Array.isArray(plan.steps) || plan.steps.length === 0) return [`${id}.json: needs "id": "${id}" and a non-empty "steps"`];
  if (typeof plan.order !== 'number') errs.push(`${id}.json: needs a numeric "order"`);
  const known = new Set<string>();
  plan.steps.forEach((s: unknown, i: number) => {
    const at = `${id}.json step ${i + 1}`;
    if (!isObj(s)) return errs.push(`${at}: not an object`);
    for (const [name, src] of Object.entries(isObj(s.remember) ? s.remember : {})) {
      if (typeof src !== 'string' || !isSource(src)) errs.push(`${at}: "${name}" remembers unknown source ${JSON.stringify(src)}`);
      known.add(name);
    }
    const checks: unknown[] = Array.isArray(s.check) ? s.check : [];
    if (checks.length === 0) errs.push(`${at}: needs a non-empty "check" list`);
    for (const c of checks) {
      if (!isObj(c)) {
        errs.push(`${at}: a condition must be an object`);
        continue;
      }
      const bad = conditionError(c as Condition);
      if (bad) errs.push(`${at}: ${bad}`);
      for (const v of Object.values(c)) if (typeof v === 'string') errs.push(...placeholderErrors(at, v, known));
    }
    if (s.command !== undefined) errs.push(...(isStr(s.command) ? placeholderErrors(at, s.command, known) : [`${at}: "command" must be a string`]));
    const cp = s.checkpoint;
    if (cp !== undefined && (!isObj(cp) || typeof cp.choices !== 'number' || typeof cp.answer !== 'number' || cp.answer < 0 || cp.answer >= cp.choices)) {
      errs.push(`${at}: a checkpoint needs "choices" (a count) and "answer" (an index below it)`);
    }
    // A condition may store a value for later steps (leaseGranted names the lease it finds).
    for (const c of checks) if (isObj(c) && typeof c.leaseGranted === 'string') known.add(c.leaseGranted);
  });
  return errs;
}

/** Everything wrong with a plan's words in one language. */
export function textErrors(id: string, lang: string, plan: LessonPlan, text: unknown): string[] {
  const at = `${id}.${lang}.json`;
  if (!isObj(text) || !isStr(text.title) || !isStr(text.summary) || !Array.isArray(text.steps)) return [`${at}: needs "title", "summary" and "steps"`];
  if (text.steps.length !== plan.steps.length) return [`${at}: has ${text.steps.length} steps, the plan ${plan.steps.length}`];
  const errs: string[] = [];
  text.steps.forEach((s: unknown, i: number) => {
    const p = plan.steps[i]!;
    const where = `${at} step ${i + 1}`;
    if (!isObj(s) || !isStr(s.title) || !isStr(s.text)) return errs.push(`${where}: needs "title" and "text"`);
    for (const k of ['hint', 'notes'] as const) if (s[k] !== undefined && !isStr(s[k])) errs.push(`${where}: "${k}" must be text`);
    if (!isStr(s.notes)) errs.push(`${where}: needs speaker "notes"`);
    const cp = s.checkpoint;
    if (p.checkpoint === undefined && cp !== undefined) errs.push(`${where}: a checkpoint the plan does not have`);
    if (p.checkpoint !== undefined) {
      if (!isObj(cp) || !isStr(cp.question) || !isStr(cp.explain) || !Array.isArray(cp.choices) || cp.choices.length !== p.checkpoint.choices || !cp.choices.every(isStr)) {
        errs.push(`${where}: the checkpoint needs "question", "explain" and ${p.checkpoint.choices} "choices"`);
      }
    }
  });
  return errs;
}

function assemble(plan: LessonPlan, text: LessonText): Lesson {
  return { id: plan.id, title: text.title, summary: text.summary, steps: plan.steps.map((s: StepPlan, i) => ({ ...s, text: text.steps[i]! })) };
}

const cache = new Map<Lang, readonly Lesson[]>();

/** The sound lessons in one language, in their order (English words where a translation is missing or broken). */
export function lessons(lang: Lang): readonly Lesson[] {
  const hit = cache.get(lang);
  if (hit) return hit;
  const { plans, texts } = lessonFiles();
  const out: (Lesson & { order: number })[] = [];
  for (const [id, raw] of plans) {
    const errs = planErrors(id, raw);
    if (errs.length) {
      console.warn(`lesson ${id} left out:\n${errs.join('\n')}`);
      continue;
    }
    const plan = raw as LessonPlan & { order: number };
    const pick = [lang, 'en'].find((l) => texts.get(id)?.has(l) && textErrors(id, l, plan, texts.get(id)!.get(l)).length === 0);
    if (!pick) {
      console.warn(`lesson ${id} left out: no sound text`);
      continue;
    }
    out.push({ ...assemble(plan, texts.get(id)!.get(pick) as LessonText), order: plan.order });
  }
  const sorted = out.sort((a, b) => a.order - b.order).map(({ order: _, ...l }) => l);
  cache.set(lang, sorted);
  return sorted;
}
