/** Types of batch-data.mjs (deterministic evidence CSVs for batch benchmarks and tests). */
export declare const SMALL_RUBRIC: string;
export declare function lcg(seed?: number): () => number;
export declare function generateSmall(dir: string, rows: number, seed?: number): Promise<{ rubric: string; file: string }>;
export declare function generateDb36(dir: string, rows: number, seed?: number): Promise<{ rubric: string; file: string }>;
