// Imported by the baseline Lambda bundles of bench/coldstart.mjs: what every
// function carried before the lean bundles (docs/performance.md, issue 12 item 7):
// the SSM and SNS clients and their one command each, whether it used them or
// not (the old aws-runtime.ts imported both). Kept reachable (globalThis) so
// that tree shaking cannot drop them, as the old wiring could not. The SDK's
// whole default credential chain comes with the clients, since the baseline
// build does not swap it for the environment provider.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

globalThis.__baselineClients = { SSMClient, GetParameterCommand, SNSClient, PublishCommand };
