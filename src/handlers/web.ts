import { createApi } from '../adapters/http/api.js';
import { httpLambdaHandler } from '../adapters/http/lambda-handler.js';
import { webRoutes } from '../adapters/http/web-routes.js';
import { createObservability } from '../adapters/observability/powertools.js';

/**
 * The dashboard (`/` and `/assets/...`) from the files embedded in this
 * bundle: no store, no AWS client, no setting. Apart from the api function
 * so that the page's weight is not in the api's cold start.
 */
const obs = createObservability('web');
export const handler = httpLambdaHandler(createApi(webRoutes(), obs.logger), obs);
