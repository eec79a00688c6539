import type { Context } from 'aws-lambda';
import { sweep } from '../app/alerts/sweep.js';
import { awsRuntime } from './aws-runtime.js';
import { snsNotifier } from './aws-sns.js';

/** EventBridge schedule: offline boards, reminders, pending notifications. */
const runtime = awsRuntime('sweep', { notifier: snsNotifier });

export const handler = async (_event: unknown, context: Context): Promise<void> => {
  const { logger, metrics } = runtime.obs;
  logger.addContext(context);
  metrics.captureColdStartMetric();
  try {
    logger.info('sweep', { ...(await sweep(runtime.deps)) });
  } finally {
    metrics.publishStoredMetrics();
  }
};
