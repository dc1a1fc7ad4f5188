import { mount } from 'svelte';
import App from './App.svelte';
import './global.css';
import { readBoot } from './share/boot.ts';
import { runLinkedScenario } from './share/page.ts';
import { registerServiceWorker } from '../sw/register.ts';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app element');

// ?embed=1: the compact page for an iframe (share/boot.ts), loaded only then.
const Root = readBoot().embed ? (await import('./embed/EmbedApp.svelte')).default : App;
const app = mount(Root, { target });
// A share link's script (#s=…) replays once the terminal is there.
void runLinkedScenario();
// Offline: the service worker caches the built site (production builds only).
registerServiceWorker();

export default app;
