// The lesson panel's own words, in each of the page's languages (the
// lessons' words are in data/).
import type { Lang } from '../i18n/lang.ts';

const EN = {
  lessons: 'Lessons',
  tagline: 'guided tours: keys, watches, leases, transactions, elections, replication, reads, membership, snapshots, locks',
  allLessons: 'all lessons',
  steps: (n: number) => `${n} steps`,
  progress: (i: number, n: number) => `step ${i} of ${n}`,
  done: 'done',
  typeIt: (newTab: boolean): string => (newTab ? 'type it into a new terminal' : 'type it into the terminal'),
  newShell: '⧉ new shell',
  type: '⏎ type',
  copy: 'copy',
  copied: 'copied',
  waiting: 'waiting for this to happen…',
  ctrlC: (n: number) => `press Ctrl-C in shell ${n}`,
  skip: 'skip',
  predict: 'Predict first: the simulation is paused until you answer.',
  right: 'Right.',
  wrong: 'Not quite.',
  skipped: 'Skipped.',
  answer: 'answer',
  complete: 'Lesson complete.',
  pickAnother: 'Pick another',
};

export type Words = typeof EN;

const ZH: Words = {
  lessons: '课程',
  tagline: '引导式课程：键值、watch、lease、事务、选举、复制、读一致性、成员管理、快照、锁',
  allLessons: '全部课程',
  steps: (n) => `${n} 步`,
  progress: (i, n) => `第 ${i} / ${n} 步`,
  done: '已完成',
  typeIt: (newTab) => (newTab ? '输入到新终端' : '输入到终端'),
  newShell: '⧉ 新 shell',
  type: '⏎ 输入',
  copy: '复制',
  copied: '已复制',
  waiting: '等待这一步完成…',
  ctrlC: (n) => `在 shell ${n} 中按 Ctrl-C`,
  skip: '跳过',
  predict: '先预测：回答之前模拟处于暂停状态。',
  right: '答对了。',
  wrong: '不太对。',
  skipped: '已跳过。',
  answer: '答案',
  complete: '本课完成。',
  pickAnother: '选择其他课程',
};

export const WORDS: Record<Lang, Words> = { en: EN, zh: ZH };
