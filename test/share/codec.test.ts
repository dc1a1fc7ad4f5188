// Share links: a scenario survives the round trip, a typical one stays short,
// and anything malformed or hostile is refused with a message, never thrown.
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeScenario, encodeScenario, fromBase64Url, MAX_LINK_CHARS, payloadOfHash, shareLink, toBase64Url } from '../../src/ui/share/codec.ts';
import { canonical, LIMITS, parseScenarioJSON, type Scenario, scenarioFile, validateScenario } from '../../src/ui/share/scenario.ts';

const typical: Scenario = {
  etcdplay: 1,
  seed: 1234567891,
  cluster: { nodes: 5, electionTimeout: 1500 },
  faults: { latency: 20, drop: 0.01 },
  script: [
    '# wait 2.318',
    'etcdctl put greeting hello',
    'etcdctl get greeting',
    'members',
    '# wait 1.5',
    'kill etcd2',
    '# wait 3.25',
    'etcdctl endpoint status --cluster -w table',
    '# shell 2',
    'etcdctl watch greeting',
    '# shell 3',
    'etcdctl put greeting bye',
    'partition etcd0,etcd1 etcd3,etcd4',
    '# wait 4',
    'heal',
  ],
};

/** A payload made of raw JSON text, bypassing the encoder's own checks. */
const raw = (json: string) => toBase64Url(zlibSync(new TextEncoder().encode(json)));

describe('the share-link codec', () => {
  it('round-trips a scenario, in canonical form', () => {
    const r = decodeScenario(encodeScenario(typical));
    expect(r).toEqual({ ok: true, value: canonical(typical) });
    const withText = { ...typical, title: 'Ünïcödé — “quotes” & <angle>', description: "a\ttab and\na line break are fine" };
    expect(decodeScenario(encodeScenario(withText))).toEqual({ ok: true, value: canonical(withText) });
  });

  it('drops defaults: the shortest equivalent scenario', () => {
    const c = canonical({ etcdplay: 1, seed: 5, cluster: { nodes: 3, preVote: true, snapshotCount: 7 }, faults: {}, script: [] });
    expect(c).toEqual({ etcdplay: 1, seed: 5, cluster: { snapshotCount: 7 }, script: [] });
  });

  it('keeps a typical script short (under ~500 characters)', () => {
    const link = encodeScenario(typical);
    expect(link.length).toBeLessThan(500);
    expect(link).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('base64url is strict', () => {
    for (let n = 0; n < 20; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
      expect(fromBase64Url(toBase64Url(b))).toEqual(b);
    }
    expect(fromBase64Url('ab+/')).toBeUndefined();
    expect(fromBase64Url('abc=')).toBeUndefined();
    expect(fromBase64Url('a')).toBeUndefined();
    expect(fromBase64Url('ab c')).toBeUndefined();
    expect(fromBase64Url('AB')).toBeUndefined(); // leftover bits set: a second spelling of one byte
  });

  it('finds the payload among fragment keys', () => {
    expect(payloadOfHash('#s=abc')).toBe('abc');
    expect(payloadOfHash('#x=1&s=abc')).toBe('abc');
    expect(payloadOfHash('#x=1')).toBeUndefined();
    expect(shareLink('https://h/p/?embed=1#old', typical)).toMatch(/^https:\/\/h\/p\/\?embed=1#s=[A-Za-z0-9_-]+$/);
  });

  const refused = (payload: string, why: RegExp) => {
    const r = decodeScenario(payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  };

  it('refuses bad base64, truncation, corruption and oversize', () => {
    refused('', /no scenario/);
    refused('%3Cscript%3E', /not base64url/);
    refused('<script>alert(1)</script>', /not base64url/);
    const good = encodeScenario(typical);
    refused(good.slice(0, -6), /damaged|does not unpack/);
    const flipped = good.slice(0, 20) + (good[20] === 'A' ? 'B' : 'A') + good.slice(21);
    refused(flipped, /damaged|not valid/);
    refused('A'.repeat(MAX_LINK_CHARS + 4), /too long/);
    refused(toBase64Url(new TextEncoder().encode('{"etcdplay":1}')), /damaged/); // not zlib
  });

  it('stops a compression bomb early', () => {
    const bomb = raw(`{"etcdplay":1,"seed":1,"script":["${'x'.repeat(LIMITS.jsonBytes * 8)}"]}`);
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    refused(bomb, /too large|does not unpack/);
  });

  it('refuses what is not a scenario: wrong types, unknown fields, out of range', () => {
    refused(raw('[1,2]'), /must be an object/);
    refused(raw('"x"'), /must be an object/);
    refused(raw('{'), /not JSON/);
    refused(raw('{"seed":1,"script":[]}'), /not a playground scenario/);
    refused(raw('{"etcdplay":2,"seed":1,"script":[]}'), /newer version/);
    refused(raw('{"etcdplay":1,"seed":"1","script":[]}'), /seed must be a whole number/);
    refused(raw('{"etcdplay":1,"seed":0,"script":[]}'), /seed must be between/);
    refused(raw('{"etcdplay":1,"seed":1.5,"script":[]}'), /whole number/);
    refused(raw('{"etcdplay":1,"seed":1,"script":"put a 1"}'), /script must be a list/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[1]}'), /script line 1 must be text/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"extra":true}'), /unknown field "extra"/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"__proto__":{"polluted":1}}'), /unknown field "__proto__"/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"cluster":{"nodes":9}}'), /cluster.nodes must be between 1 and 7/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"cluster":{"nodes":3,"x":1}}'), /cluster has an unknown field "x"/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"cluster":{"heartbeatInterval":500}}'), /at least 5 × the heartbeat/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"cluster":{"preVote":"yes"}}'), /true or false/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"faults":{"drop":2}}'), /faults.drop must be between 0 and 1/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"faults":{"latency":1e999}}'), /faults.latency must be a number/);
    refused(raw('{"etcdplay":1,"seed":1,"script":[],"lesson":{"id":"../x"}}'), /lesson.id/);
    refused(raw(`{"etcdplay":1,"seed":1,"script":[${'"x",'.repeat(LIMITS.lines)}"x"]}`), /more than 400 lines/);
    refused(raw(`{"etcdplay":1,"seed":1,"script":["${'x'.repeat(LIMITS.lineChars + 1)}"]}`), /longer than/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses control characters: no terminal escapes, no hidden line breaks', () => {
    for (const bad of ['\u001b]0;pwned\u0007', 'put a 1\rkill etcd0', 'a\nb', '\u009b31m', 'x\u2028y', '\u0000']) {
      refused(raw(JSON.stringify({ etcdplay: 1, seed: 1, script: [bad] })), /control character/);
      refused(raw(JSON.stringify({ etcdplay: 1, seed: 1, script: [], title: bad })), /title holds a control character/);
    }
  });

  it('keeps markup as plain text: <script> in a command is just characters', () => {
    const s: Scenario = { etcdplay: 1, seed: 3, title: '<img src=x onerror=alert(1)>', script: ['etcdctl put k "<script>alert(1)</script>"'] };
    const r = decodeScenario(encodeScenario(s));
    expect(r.ok && r.value.script[0]).toBe('etcdctl put k "<script>alert(1)</script>"');
    expect(r.ok && r.value.title).toBe('<img src=x onerror=alert(1)>');
  });

  it('a scenario file is the same JSON, validated the same way', () => {
    const file = scenarioFile(typical);
    expect(parseScenarioJSON(file)).toEqual({ ok: true, value: canonical(typical) });
    expect(parseScenarioJSON('not json').ok).toBe(false);
    expect(parseScenarioJSON(' '.repeat(LIMITS.jsonBytes + 1)).ok).toBe(false);
    expect(validateScenario(JSON.parse(file))).toEqual({ ok: true, value: canonical(typical) });
  });
});
