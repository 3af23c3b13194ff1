// The part of benchmark.js (https://benchmarkjs.com) the short-input probe uses; the package
// ships no types.
declare module 'benchmark' {
  interface Stats {
    /** Relative margin of error, percent. */
    rme: number;
    sample: number[];
  }
  interface Options {
    maxTime?: number;
    minSamples?: number;
    minTime?: number;
    initCount?: number;
  }
  class Benchmark {
    constructor(name: string, fn: () => void, options?: Options);
    static support: { decompilation: boolean };
    run(options?: { async?: boolean }): this;
    readonly hz: number;
    readonly stats: Stats;
    readonly error?: Error;
    readonly aborted: boolean;
  }
  export default Benchmark;
}
