/**
 * Deterministic, realistic DB36 evidence records for the benchmark: a seeded
 * PRNG (mulberry32), so every run scores the same communities.
 */
export const CHECK_IDS = [
  '1.1a', '1.1b', '1.2', '1.3', '1.4a', '1.4b', '2.1b', '2.2', '2.3a', '2.4a', '2.4b', '2.5a', '2.5b', '2.5c', '3.1b', '3.3a',
  '3.3b', '3.3c', '3.4a', '3.4b', '3.5', '3.6a', '3.6b', '3.7b', '4.1a', '4.1b', '4.1c', '4.1d', '4.1e', '4.2a', '4.2b', '4.2c',
  '4.2d', '4.2e', '4.2f', '4.2g', '4.2h', '4.2i', '4.2j', '4.2k', '4.3a', '4.3b', '4.3c', '4.3d', '4.4a', '4.4b', '5.1a', '5.1c',
  '5.1d', '5.1e', '5.2', '5.3a', '5.3b', '5.3c', '5.3d', '5.4a', '5.4b', '5.5a', '5.5b', '6.1', '6.2a', '6.2b', '6.3a', '6.3b',
  '6.4a', '6.4b', '6.4c', '6.5a', '6.5b', '6.6a', '6.6b',
] as const;

export type Db36Evidence = Record<string, unknown> & {
  '2.1a': { area: number; households: number };
  '2.3b': number;
  '3.1a': { workers: number; residents: number };
  '3.2a': { workers: number; certified: number };
  '3.2b': { workers: number; educated: number };
  '3.7a': { volunteers: number; residents: number };
  '4.5': number;
  '5.1b': number;
  'bonus-honours': { year: number; honours: { matter: string; level: 'provincial' | 'national'; year: number }[] };
};

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MATTERS = ['全国和谐社区建设示范社区', '省级文明社区', '省级平安社区', '全国民主法治示范社区', '省级志愿服务先进集体'];

export function generateRecords(count: number, seed = 20221623): Db36Evidence[] {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const records: Db36Evidence[] = [];
  for (let i = 0; i < count; i++) {
    // A community's overall quality shifts how many criteria it meets.
    const quality = 0.6 + rnd() * 0.4;
    const e: Record<string, unknown> = {};
    for (const id of CHECK_IDS) e[id] = rnd() < quality;
    const households = int(800, 5000);
    const residents = Math.round(households * (2.4 + rnd()));
    const workers = int(8, 40);
    e['2.1a'] = { area: int(150, 1600), households };
    e['2.3b'] = int(80, 600);
    e['3.1a'] = { workers, residents };
    e['3.2a'] = { workers, certified: int(0, workers) };
    e['3.2b'] = { workers, educated: int(Math.floor(workers / 3), workers) };
    e['3.7a'] = { volunteers: int(0, Math.round(residents * 0.2)), residents };
    e['4.5'] = int(7000, 10000) / 10000;
    e['5.1b'] = int(0, 25);
    const honours = Array.from({ length: int(0, 3) }, () => ({
      matter: MATTERS[int(0, MATTERS.length - 1)] as string,
      level: (rnd() < 0.6 ? 'provincial' : 'national') as 'provincial' | 'national',
      year: int(2019, 2024),
    }));
    e['bonus-honours'] = { year: 2024, honours };
    records.push(e as Db36Evidence);
  }
  return records;
}
