// Presenter mode's keys: which key means what, that keys typed into the
// terminal or a form field are never taken, the shell line each cluster
// shortcut runs, and the remembered panel choice.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PANELS, parsePanels, presentRequested, shownTabs } from '../../src/ui/presenter/panels.ts';
import { controlOwnsKey, isTyping, shellLine, shortcutOf, SHORTCUTS, type FocusTarget, type KeyPress } from '../../src/ui/presenter/shortcuts.ts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...mods });

/** A focused element: its tag, and the classes of it and its ancestors. */
function el(tag: string, classes: string[] = [], attrs: Record<string, string> = {}, editable = false): FocusTarget {
  return {
    tagName: tag.toUpperCase(),
    isContentEditable: editable,
    closest: (sel: string) => (classes.includes(sel.replace(/^\./, '')) ? {} : null),
    getAttribute: (n: string) => attrs[n] ?? null,
  };
}

describe('presenter shortcuts', () => {
  it('maps the keys to actions only while presenting', () => {
    expect(shortcutOf(press('k'), true)).toBe('kill');
    expect(shortcutOf(press('p'), true)).toBe('partition');
    expect(shortcutOf(press('h'), true)).toBe('heal');
    expect(shortcutOf(press('s'), true)).toBe('step');
    expect(shortcutOf(press('ArrowRight'), true)).toBe('step');
    expect(shortcutOf(press(' '), true)).toBe('play');
    expect(shortcutOf(press('?', { shiftKey: true }), true)).toBe('help');
    expect(shortcutOf(press('Escape'), true)).toBe('exit');
    expect(shortcutOf(press('k'), false)).toBeUndefined();
    expect(shortcutOf(press(' '), false)).toBeUndefined();
    expect(shortcutOf(press('x'), true)).toBeUndefined();
  });

  it('toggles presenter mode with Shift+P in and out of it, and leaves browser shortcuts alone', () => {
    expect(shortcutOf(press('P', { shiftKey: true }), false)).toBe('toggle');
    expect(shortcutOf(press('P', { shiftKey: true }), true)).toBe('toggle');
    expect(shortcutOf(press('k', { ctrlKey: true }), true)).toBeUndefined();
    expect(shortcutOf(press('p', { metaKey: true }), true)).toBeUndefined();
    expect(shortcutOf(press('h', { altKey: true }), true)).toBeUndefined();
  });

  it('never takes keys typed into the terminal or a form field', () => {
    expect(isTyping(el('textarea', ['xterm-helper-textarea', 'xterm']))).toBe(true);
    expect(isTyping(el('div', ['xterm']))).toBe(true);
    expect(isTyping(el('input'))).toBe(true);
    expect(isTyping(el('select'))).toBe(true);
    expect(isTyping(el('div', [], {}, true))).toBe(true);
    expect(isTyping(el('button'))).toBe(false);
    expect(isTyping(el('body'))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });

  it('lets a focused button keep Space and Enter', () => {
    expect(controlOwnsKey(el('button'), ' ')).toBe(true);
    expect(controlOwnsKey(el('g', [], { role: 'button' }), 'Enter')).toBe(true);
    expect(controlOwnsKey(el('button'), 'k')).toBe(false);
    expect(controlOwnsKey(el('body'), ' ')).toBe(false);
  });

  it('runs the playground commands on the leader', () => {
    expect(shellLine('kill', 'etcd2')).toBe('kill etcd2');
    expect(shellLine('partition', 'etcd0')).toBe('partition etcd0');
    expect(shellLine('heal', undefined)).toBe('heal');
    expect(shellLine('kill', undefined)).toBeUndefined();
    expect(shellLine('partition', undefined)).toBeUndefined();
  });

  it('lists every action in the legend once', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions.sort()).toEqual(['exit', 'heal', 'help', 'kill', 'partition', 'play', 'step', 'toggle']);
  });
});

describe('presenter panels', () => {
  it('reads the saved choice over the defaults and ignores junk', () => {
    expect(parsePanels(null)).toEqual(DEFAULT_PANELS);
    expect(parsePanels('not json')).toEqual(DEFAULT_PANELS);
    expect(parsePanels('{"terminal":false,"log":"yes","bogus":true}')).toEqual({ ...DEFAULT_PANELS, terminal: false });
  });

  it('offers the chosen tabs, or the ring when none is chosen', () => {
    expect(shownTabs({ ...DEFAULT_PANELS, ring: false, path: false, keys: false, log: true })).toEqual(['log']);
    const none = { ...DEFAULT_PANELS, ring: false, log: false, path: false, keys: false };
    expect(shownTabs(none)).toEqual(['ring']);
  });

  it('opens in presenter mode with ?present=1', () => {
    expect(presentRequested('?present=1')).toBe(true);
    expect(presentRequested('?seed=3&present')).toBe(true);
    expect(presentRequested('?present=0')).toBe(false);
    expect(presentRequested('?seed=3')).toBe(false);
  });
});
