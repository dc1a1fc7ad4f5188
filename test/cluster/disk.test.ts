import { describe, expect, it } from 'vitest';
import { MemoryDisk } from '../../src/engine/storage/disk.ts';
import { fromBase64, toBase64, utf8 } from '../../src/engine/util/bytes.ts';
import type { Entry } from '../../src/engine/raft/types.ts';

const ent = (index: number, term: number, s: string): Entry => ({ index, term, type: 'EntryNormal', data: utf8(s) });

describe('base64', () => {
  it('round-trips every length and matches the standard alphabet', () => {
    for (let n = 0; n < 20; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(fromBase64(toBase64(b))).toEqual(b);
    }
    expect(toBase64(utf8('hello!?'))).toBe('aGVsbG8hPw==');
    expect(toBase64(Uint8Array.from([251, 255]))).toBe('+/8=');
  });
});

describe('MemoryDisk', () => {
  it('exports to JSON-safe plain data and imports to an equal disk', () => {
    const d = new MemoryDisk('8e9e05c52164694d');
    const st = d.raft;
    st.append([ent(1, 1, 'a'), ent(2, 1, 'b'), ent(3, 2, 'c'), ent(4, 2, 'd'), ent(5, 2, 'e')]);
    st.setHardState({ term: 2, vote: '8e9e05c52164694d', commit: 5 });
    st.createSnapshot(4, { voters: ['8e9e05c52164694d'], learners: [] }, utf8('state@4'));
    st.compact(2); // below the snapshot: entries 3.. stay for slow followers
    d.put('consistent_index', Uint8Array.from([0, 0, 0, 4]));

    const img = JSON.parse(JSON.stringify(d.export())) as ReturnType<MemoryDisk['export']>;
    expect(img.logOffset).toEqual({ index: 2, term: 1 });
    expect(img.entries.map((e) => e.index)).toEqual([3, 4, 5]);

    const back = MemoryDisk.import(img);
    expect(back.export()).toEqual(d.export());
    expect(back.raft.firstIndex()).toBe(3);
    expect(back.raft.lastIndex()).toBe(5);
    expect(back.raft.term(2)).toBe(1);
    expect(back.raft.entries(3, 6, Infinity).map((e) => new TextDecoder().decode(e.data))).toEqual(['c', 'd', 'e']);
    expect(back.raft.snapshot().metadata).toEqual({ index: 4, term: 2, confState: { voters: ['8e9e05c52164694d'], learners: [] } });
    expect(back.raft.initialState().hardState).toEqual({ term: 2, vote: '8e9e05c52164694d', commit: 5 });
    expect(back.get('consistent_index')).toEqual(Uint8Array.from([0, 0, 0, 4]));
    expect(back.keys()).toEqual(['consistent_index']);
  });
});
