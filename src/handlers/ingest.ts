import { createApi } from '../adapters/http/api.js';
import { httpLambdaHandler } from '../adapters/http/lambda-handler.js';
import { ingestRoutes } from '../adapters/http/routes.js';
import { awsRuntime } from './aws-runtime.js';
import { snsNotifier } from './aws-sns.js';

/** POST /v1/readings: device keys only, so no admin token is read here. */
const runtime = awsRuntime('ingest', { notifier: snsNotifier });
export const handler = httpLambdaHandler(createApi(ingestRoutes(runtime.deps), runtime.obs.logger), runtime.obs);
