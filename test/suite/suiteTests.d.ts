/**
 * The module test/suite/build.mjs generates at bundle time from every test/suite/**\/*.test.ts, so adding a test file
 * needs no list to be edited (STYLE.md "Tests"). Each file is loaded only when index.ts asks, after mocha has put
 * `describe`/`it` on the global object.
 */
declare module 'virtual:suite-tests' {
  /** One test file of the suite. */
  export interface SuiteTestFile {
    /** Path relative to test/suite, e.g. `extension.test.ts`. */
    readonly path: string;
    /** Evaluates the file (its `describe` calls register with mocha) and returns its exports. */
    readonly load: () => unknown;
  }
  /** Every test file, sorted by path. */
  export const suiteTests: readonly SuiteTestFile[];
}
