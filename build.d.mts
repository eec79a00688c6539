/** Lambda functions built by build.mjs: name -> entry point. */
export declare const lambdas: Record<string, string>;
