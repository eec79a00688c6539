import { createApi } from '../adapters/http/api.js';
import { behindFrontDoor } from '../adapters/http/front-door.js';
import { httpLambdaHandler } from '../adapters/http/lambda-handler.js';
import { managementRoutes } from '../adapters/http/management-routes.js';
import { awsRuntime } from './aws-runtime.js';
import { ssmAdminToken, ssmFrontDoorSecret, ssmReadTokens } from './aws-ssm.js';

/** Every route but ingest: devices, readings, alerts, health. */
const runtime = awsRuntime('api', { adminToken: ssmAdminToken, readTokens: ssmReadTokens });
// At cold start, not at the first admin request: a token that can never authenticate fails the init, named in the log.
await runtime.deps.admin.checkAtStart?.();
const app = createApi(managementRoutes(runtime.deps), runtime.obs.logger);
export const handler = httpLambdaHandler(behindFrontDoor(app, ssmFrontDoorSecret(process.env, runtime.obs.logger)), runtime.obs);
