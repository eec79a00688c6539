/** Lambda functions built by build.mjs: name -> entry point. */
export declare const lambdas: { api: string; ingest: string; sweep: string };
/** Packages a Lambda bundle must not hold: in every one (`all`), and per function. */
export declare const forbiddenInLambda: { all: string[]; api: string[]; ingest: string[]; sweep: string[] };
