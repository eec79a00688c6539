/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles only
 * (build.mjs). The SDK's protocols load it lazily for operations that stream
 * events; DynamoDB, SNS and SSM have none of those, and the module is 15 KB
 * of every zip. Reaching it anyway is a bug of the build, said as such.
 */
const missing = (): never => {
  throw new Error('event streams are not in this Lambda bundle (build.mjs: lambda-no-event-streams.ts)');
};

export class EventStreamSerde {
  constructor() {
    missing();
  }
}

export const eventStreamSerdeProvider = missing;
