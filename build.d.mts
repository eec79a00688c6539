/** Lambda functions built by build.mjs: name -> entry point. */
export declare const lambdas: { api: string; ingest: string; sweep: string; web: string };
/** Packages a Lambda bundle must not hold: in every one (`all`), and per function. */
export declare const forbiddenInLambda: { all: string[]; api: string[]; ingest: string[]; sweep: string[]; web: string[] };
/** esbuild options of the self-contained bundles (Lambdas, server variant). */
export declare function selfContained(): import('esbuild').BuildOptions & { plugins: import('esbuild').Plugin[] };
/** esbuild options of a Lambda bundle. */
export declare function lambdaBuildOptions(): import('esbuild').BuildOptions & { plugins: import('esbuild').Plugin[] };
/** A reproducible zip of `files` of `dir`. */
export declare function writeZip(dir: string, zipPath: string, files: string[]): Promise<void>;
