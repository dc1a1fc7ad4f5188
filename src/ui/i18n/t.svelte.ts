// The reactive side of the page's language for Svelte components: t() reads
// a rune, so any markup that calls it re-renders when the language switches.
import { getLang, onLang, setLang, type Lang } from './lang.ts';
import { translate, type MessageKey } from './messages.ts';

const current = $state({ lang: getLang() });
onLang((l) => (current.lang = l));

/** The message for key in the page's language (reactive in markup and $derived). */
export function t(key: MessageKey, vars?: Readonly<Record<string, string | number>>): string {
  return translate(current.lang, key, vars);
}

/** The page's language, reactively. */
export function lang(): Lang {
  return current.lang;
}

export { setLang };
