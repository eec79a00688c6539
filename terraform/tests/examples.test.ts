import { readFileSync } from 'node:fs';
/**
 * The runnable example roots terraform/examples/<mode>/ (a main.tf calling
 * the root as a module, with its example.tfvars) plan offline as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { created, OfflinePlanner, type Plan, terraformInstalled } from './plan-offline.js';

const installed = await terraformInstalled();
let planner: OfflinePlanner | undefined;

beforeAll(async () => {
  if (installed) planner = await OfflinePlanner.start();
}, 180_000);

afterAll(async () => {
  await planner?.stop();
});

const subscriptions = (plan: Plan) =>
  created(plan, 'aws_sns_topic_subscription').map((r) => `${r.address.replace(/\[.*$/, '')} ${String(r.change.after?.endpoint)}`).sort();

describe.runIf(installed)('terraform/examples/<mode>/ plan offline', () => {
  it('serverless: the functions, every route and the contacts of example.tfvars', async () => {
    const plan = await planner!.planExample('serverless');
    expect(created(plan, 'aws_lambda_function').map((r) => r.change.after?.function_name).sort()).toEqual([
      'fireco2-api',
      'fireco2-ingest',
      'fireco2-sweep',
      'fireco2-web',
    ]);
    // Every route of the application's route table, plus the dashboard's two (`ANY /`, `ANY /assets/{proxy+}`) and `$default`.
    const appRoutes = (JSON.parse(readFileSync(new URL('../app-routes.json', import.meta.url), 'utf8')) as { routes: unknown[] }).routes;
    expect(created(plan, 'aws_apigatewayv2_route').length).toBe(appRoutes.length + 3);
    expect(subscriptions(plan)).toEqual([
      'module.fireco2.module.alerts.aws_sns_topic_subscription.email safety-team@example.org',
      'module.fireco2.module.alerts.aws_sns_topic_subscription.escalation direction@example.org',
      'module.fireco2.module.alerts.aws_sns_topic_subscription.sms +33639980000',
      'module.fireco2.module.observability.aws_sns_topic_subscription.ops_email ops@example.org',
    ]);
  }, 300_000);

  it('vpc: servers in two zones, a NAT per zone, the endpoints, no function', async () => {
    const plan = await planner!.planExample('vpc');
    expect(created(plan, 'aws_lambda_function')).toEqual([]);
    expect(created(plan, 'aws_autoscaling_group')).toHaveLength(1);
    expect(created(plan, 'aws_nat_gateway')).toHaveLength(2);
    expect(created(plan, 'aws_vpc_endpoint').map((r) => String(r.change.after?.service_name)).sort()).toEqual([
      'com.amazonaws.eu-west-3.dynamodb',
      'com.amazonaws.eu-west-3.logs',
      'com.amazonaws.eu-west-3.s3',
      'com.amazonaws.eu-west-3.sns',
      'com.amazonaws.eu-west-3.ssm',
    ]);
    expect(created(plan, 'aws_default_security_group')).toHaveLength(1);
  }, 300_000);
});
