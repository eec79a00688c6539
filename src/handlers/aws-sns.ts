import { SNSClient } from '@aws-sdk/client-sns';
import { requiredSetting } from '../app/settings.js';
import { SnsNotifier, snsClientConfig } from '../adapters/sns/sns-notifier.js';
import type { RuntimeClients } from './aws-runtime.js';

/** Notifications to the SNS topic ALERTS_TOPIC_ARN names (ingest and sweep). */
export const snsNotifier: NonNullable<RuntimeClients['notifier']> = (env, problems, aws) =>
  new SnsNotifier(new SNSClient({ ...aws, ...snsClientConfig() }), requiredSetting(env, 'ALERTS_TOPIC_ARN', problems));
