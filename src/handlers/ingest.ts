import { createApi } from '../adapters/http/api.js';
import { behindFrontDoor } from '../adapters/http/front-door.js';
import { httpLambdaHandler } from '../adapters/http/lambda-handler.js';
import { ingestRoutes } from '../adapters/http/routes.js';
import { awsRuntime } from './aws-runtime.js';
import { snsNotifier } from './aws-sns.js';
import { ssmFrontDoorSecret } from './aws-ssm.js';

/** POST /v1/readings: device keys only, so no admin token is read here (only the front door's secret, with a front door). */
const runtime = awsRuntime('ingest', { notifier: snsNotifier });
const app = createApi(ingestRoutes(runtime.deps), runtime.obs.logger);
export const handler = httpLambdaHandler(behindFrontDoor(app, ssmFrontDoorSecret(process.env, runtime.obs.logger)), runtime.obs);
