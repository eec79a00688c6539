/**
 * Stands in for the SDK's pure-JavaScript SHA-256 (`@smithy/core` checksum,
 * `Sha256Js`) in the Lambda bundles only (build.mjs). It is the fallback of
 * `Sha256Node` for a Node without native crypto, which Lambda's never is:
 * node:crypto signs every request. Reaching it anyway is a bug of the build,
 * said as such.
 */
export class Sha256Js {
  constructor() {
    throw new Error('the JavaScript SHA-256 is not in this Lambda bundle (build.mjs: lambda-no-sha256-js.ts); node:crypto is');
  }
}
