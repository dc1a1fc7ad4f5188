// A small notice at the bottom of the page (plain DOM, outside the Svelte
// tree): "restored your playground" with a reset button, or why a saved
// playground could not be restored.

export interface NoticeOptions {
  tone?: 'info' | 'warn';
  action?: { label: string; run: () => void };
  /** Removes itself after this long (default: stays until closed). */
  timeoutMs?: number;
}

export function showNotice(text: string, opts: NoticeOptions = {}): HTMLElement {
  const el = document.createElement('div');
  el.className = 'persist-notice';
  el.setAttribute('role', opts.tone === 'warn' ? 'alert' : 'status');
  el.dataset.tone = opts.tone ?? 'info';
  Object.assign(el.style, {
    position: 'fixed',
    left: '50%',
    bottom: '1rem',
    transform: 'translateX(-50%)',
    maxWidth: 'min(46rem, 92vw)',
    display: 'flex',
    gap: '0.8rem',
    alignItems: 'center',
    padding: '0.5rem 0.8rem',
    borderRadius: '6px',
    font: '0.85rem system-ui, sans-serif',
    color: '#111',
    background: opts.tone === 'warn' ? '#ffe4b3' : '#dcebff',
    boxShadow: '0 2px 10px rgba(0,0,0,0.25)',
    zIndex: '1000',
  } satisfies Partial<CSSStyleDeclaration>);
  const msg = document.createElement('span');
  msg.textContent = text;
  el.append(msg);
  const remove = () => el.remove();
  const button = (label: string, run: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.style.font = 'inherit';
    b.style.cursor = 'pointer';
    b.addEventListener('click', run);
    el.append(b);
  };
  if (opts.action) {
    const { label, run } = opts.action;
    button(label, () => {
      remove();
      run();
    });
  }
  button('×', remove);
  document.body.append(el);
  if (opts.timeoutMs !== undefined) setTimeout(remove, opts.timeoutMs);
  return el;
}
