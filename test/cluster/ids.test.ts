import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/engine/cluster/cluster.ts';
import { clusterId, defaultPeerURLs, memberId } from '../../src/engine/cluster/member.ts';
import { compareIds, idToU64Bytes, u64BytesToId } from '../../src/engine/util/bytes.ts';

describe('member and cluster IDs (etcd 3.4 NewMember / genID)', () => {
  it('derives the IDs etcd prints for a default single-member cluster', () => {
    const id = memberId(['http://localhost:2380'], 'etcd-cluster');
    expect(id).toBe('8e9e05c52164694d');
    expect(clusterId([id])).toBe('cdf818194e3a8c32');
  });

  it("derives the IDs of etcd's Procfile cluster (infra1..3, token etcd-cluster-1)", () => {
    const ids = [12380, 22380, 32380].map((p) => memberId([`http://127.0.0.1:${p}`], 'etcd-cluster-1'));
    expect(ids).toEqual(['8211f1d0f64f3269', '91bc3c398fb3c146', 'fd422379fda50e48']);
    expect(clusterId(ids)).toBe('ef37ad9dc622a7c4');
    // genID sorts the IDs first, so the order they are given in does not matter.
    expect(clusterId([...ids].reverse())).toBe('ef37ad9dc622a7c4');
  });

  it("derives what real etcd 3.4.23 printed for the clustering guide's static cluster", () => {
    // etcd --name infra0 --initial-advertise-peer-urls http://10.0.1.10:2380 --initial-cluster-token etcd-cluster-1
    //   --initial-cluster infra0=http://10.0.1.10:2380,infra1=http://10.0.1.11:2380,infra2=http://10.0.1.12:2380
    const ids = ['10', '11', '12'].map((h) => memberId([`http://10.0.1.${h}:2380`], 'etcd-cluster-1'));
    // Note the 15-digit ID: etcd prints IDs with %x, without zero padding.
    expect(ids).toEqual(['140fedbeeb74765d', 'd5dc5f8d75d04e29', '8a0a11c6194fc77']);
    expect(clusterId(ids)).toBe('acccc8912db0cd57');
  });

  it('sorts peer URLs before hashing and mixes in the add time for runtime members', () => {
    const a = memberId(['http://b:2380', 'http://a:2380'], 't');
    expect(memberId(['http://a:2380', 'http://b:2380'], 't')).toBe(a);
    expect(memberId(['http://a:2380', 'http://b:2380'], 't', 1700000000)).not.toBe(a);
  });

  it('gives the playground layout distinct IDs on ports 2380, 12380, 22380', () => {
    expect([0, 1, 2].map((i) => defaultPeerURLs(i)[0])).toEqual([
      'http://127.0.0.1:2380',
      'http://127.0.0.1:12380',
      'http://127.0.0.1:22380',
    ]);
    const ids = [0, 1, 2].map((i) => memberId(defaultPeerURLs(i), 'etcd-cluster'));
    expect(new Set(ids).size).toBe(3);
    expect(clusterId(ids)).toMatch(/^[0-9a-f]{1,16}$/);
  });

  it('prints IDs like %x (no zero padding) and orders them numerically', () => {
    expect(u64BytesToId(new Uint8Array([0, 0, 0, 0, 0, 0, 0x01, 0xab]))).toBe('1ab');
    expect(u64BytesToId(new Uint8Array(8))).toBe('0');
    expect(u64BytesToId(idToU64Bytes('fd422379fda50e48'))).toBe('fd422379fda50e48');
    expect(['ff', '1ab', '2'].sort(compareIds)).toEqual(['2', 'ff', '1ab']);
  });
});

describe('a Cluster gets the IDs real etcd would give the same flags', () => {
  it('a lone node with no flags is etcd\'s "default" member 8e9e05c52164694d', () => {
    const c = new Cluster({ nodes: 1, seed: 3 });
    expect([...c.members.values()].map((m) => [m.id, m.name, m.peerURLs, m.clientURLs])).toEqual([
      ['8e9e05c52164694d', 'default', ['http://localhost:2380'], ['http://localhost:2379']],
    ]);
    expect(c.clusterId()).toBe('cdf818194e3a8c32');
    expect(c.runUntil(() => c.leader()?.id === '8e9e05c52164694d', 2000)).toBe(true);
  });

  it('an explicit --initial-cluster (the clustering guide) elects among the real IDs', () => {
    const c = new Cluster({
      seed: 5,
      clusterToken: 'etcd-cluster-1',
      members: ['10', '11', '12'].map((h, i) => ({
        name: `infra${i}`,
        peerURLs: [`http://10.0.1.${h}:2380`],
        clientURLs: [`http://10.0.1.${h}:2379`],
      })),
    });
    expect([...c.members.keys()]).toEqual(['140fedbeeb74765d', 'd5dc5f8d75d04e29', '8a0a11c6194fc77']);
    expect(c.clusterId()).toBe('acccc8912db0cd57');
    expect(c.runUntil(() => c.leader() !== undefined, 3000)).toBe(true);
  });

  it('refuses an initial cluster with a repeated name', () => {
    const m = { name: 'a', peerURLs: ['http://a:2380'] };
    expect(() => new Cluster({ members: [m, { ...m, peerURLs: ['http://b:2380'] }] })).toThrow('--initial-cluster has duplicate name a');
  });
});
