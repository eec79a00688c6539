# The api module on its own: function, log and stage settings planned with
# the real provider; the wiring of routes, integrations and permissions
# applied against a mock provider (those ids only exist after apply).

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

mock_provider "aws" {
  alias = "mock"

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  # The provider validates ARNs even when mocked: give them real shapes.
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/fcapi-lambda" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-3:123456789012:log-group:/aws/apigateway/fcapi-http/access" }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-3:123456789012:function:fcapi-fn"
      invoke_arn = "arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-3:123456789012:function:fcapi-fn/invocations"
    }
  }

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
      execution_arn = "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-3:123456789012:rule/fcapi-sweep" }
  }
}

variables {
  name              = "fcapi"
  aws               = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
  table_arns        = { readings = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcapi-readings", devices = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcapi-devices", alerts = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcapi-alerts" }
  topic_arn         = "arn:aws:sns:eu-west-3:123456789012:fcapi-alerts"
  topic_kms_key_arn = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"

  admin_token_parameter_name = "/fcapi/admin-token"
  environment                = { READINGS_TABLE = "fcapi-readings", NODE_OPTIONS = "--enable-source-maps" }
  lambda_dist_dir            = "tests/fixtures/lambda"
  log_retention_days         = 14
  throttling_burst_limit     = 40
  throttling_rate_limit      = 20
  reserved_concurrency       = { ingest = 10 }

  readings_throttling_burst_limit = 300
  readings_throttling_rate_limit  = 150

  # The root gives the module terraform/app-routes.json (+ the dashboard's two routes and $default).
  routes            = merge({ for r in jsondecode(file("app-routes.json")).routes : "${r.method} ${r.path}" => r.function }, { "ANY /" = "web", "ANY /assets/{proxy+}" = "web", "$default" = "api" })
  access_log_format = "{\"requestId\":\"$context.requestId\",\"sourceIp\":\"$context.identity.sourceIp\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\",\"integrationError\":\"$context.integrationErrorMessage\"}"
}

run "functions_logs_and_stage" {
  command = plan

  module {
    source = "./modules/api"
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      f.function_name == "fcapi-${k}" && f.handler == "index.handler" && f.runtime == "nodejs22.x" &&
      jsonencode(f.architectures) == jsonencode(["arm64"]) && f.memory_size == 512 &&
      f.filename == "tests/fixtures/lambda/${k}.zip" && f.source_code_hash == filebase64sha256("tests/fixtures/lambda/${k}.zip") &&
      jsonencode(f.environment[0].variables) == jsonencode({ NODE_OPTIONS = "--enable-source-maps", READINGS_TABLE = "fcapi-readings" }) &&
      f.logging_config[0].log_group == "/aws/lambda/fcapi-${k}" &&
      f.logging_config[0].log_format == "Text" && f.logging_config[0].system_log_level == null
    ]) && length(aws_lambda_function.this) == 4
    error_message = "Every function: index.handler on nodejs22.x/arm64 from <dist>/<fn>.zip, the shared environment, its own log group, Lambda's text log format."
  }

  assert {
    condition = (
      aws_lambda_function.this["api"].timeout == 29 && aws_lambda_function.this["ingest"].timeout == 29 && aws_lambda_function.this["sweep"].timeout == 50 &&
      aws_lambda_function.this["ingest"].reserved_concurrent_executions == 10 &&
      aws_lambda_function.this["api"].reserved_concurrent_executions == -1 && aws_lambda_function.this["sweep"].reserved_concurrent_executions == -1 &&
      aws_lambda_function.this["web"].timeout == 29
    )
    error_message = "Timeouts per role; reserved concurrency only where asked (-1 = unreserved)."
  }

  assert {
    condition     = alltrue([for k, g in aws_cloudwatch_log_group.function : g.name == "/aws/lambda/fcapi-${k}" && g.retention_in_days == 14]) && aws_cloudwatch_log_group.access[0].retention_in_days == 14
    error_message = "Terraform owns every log group, with the retention asked for."
  }

  assert {
    condition     = alltrue([for k, r in aws_iam_role.function : jsondecode(r.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"]) && length(aws_iam_role.function) == 4
    error_message = "One role per function, assumed by Lambda."
  }

  assert {
    condition = (
      aws_apigatewayv2_api.http[0].protocol_type == "HTTP" &&
      aws_apigatewayv2_stage.default[0].name == "$default" && aws_apigatewayv2_stage.default[0].auto_deploy &&
      aws_apigatewayv2_stage.default[0].default_route_settings[0].throttling_burst_limit == 40 &&
      aws_apigatewayv2_stage.default[0].default_route_settings[0].throttling_rate_limit == 20
    )
    error_message = "One $default stage, auto-deployed, throttled by default route settings."
  }

  assert {
    condition = alltrue([
      for field in ["requestId", "sourceIp", "routeKey", "status", "integrationError"] :
      contains(keys(jsondecode(aws_apigatewayv2_stage.default[0].access_log_settings[0].format)), field)
    ])
    error_message = "Access logs are JSON with request id, source IP, route, status and integration error."
  }

  assert {
    condition = toset(keys(aws_apigatewayv2_route.this)) == toset([
      "GET /healthz", "ANY /", "ANY /assets/{proxy+}", "POST /v1/devices", "GET /v1/devices", "GET /v1/devices/{deviceId}",
      "PATCH /v1/devices/{deviceId}", "DELETE /v1/devices/{deviceId}", "POST /v1/devices/{deviceId}/keys",
      "GET /v1/devices/{deviceId}/readings", "GET /v1/alerts", "POST /v1/alerts/{alertId}/ack", "$default",
      "POST /v1/readings",
      # v1.1
      "POST /v1/silences", "GET /v1/silences", "DELETE /v1/silences/{silenceId}",
      "GET /v1/devices/{deviceId}/aggregates", "GET /v1/reports/air-quality",
    ])
    error_message = "The routes are app-routes.json's, plus the dashboard's two and $default."
  }

  assert {
    # The boards' upload has its own throttle budget, apart from the stage default.
    condition = jsonencode([for r in aws_apigatewayv2_stage.default[0].route_settings : [r.route_key, r.throttling_burst_limit, r.throttling_rate_limit]]) == jsonencode([
      ["POST /v1/readings", 300, 150],
    ])
    error_message = "POST /v1/readings must have its own route throttling (300 burst, 150/s): ${jsonencode(aws_apigatewayv2_stage.default[0].route_settings)}"
  }

  assert {
    # Bounded retries and event age on both hops of the sweep's invocation.
    condition = (
      aws_cloudwatch_event_target.sweep[0].retry_policy[0].maximum_retry_attempts == 2 &&
      aws_cloudwatch_event_target.sweep[0].retry_policy[0].maximum_event_age_in_seconds == 60 &&
      aws_lambda_function_event_invoke_config.sweep[0].maximum_retry_attempts == 1 &&
      aws_lambda_function_event_invoke_config.sweep[0].maximum_event_age_in_seconds == 60 &&
      aws_lambda_function_event_invoke_config.sweep[0].function_name == "fcapi-sweep"
    )
    error_message = "The sweep's invocations must have bounded retries and a maximum event age (a stale sweep is replaced by the next)."
  }

  assert {
    condition     = alltrue([for i in aws_apigatewayv2_integration.function : i.integration_type == "AWS_PROXY" && i.payload_format_version == "2.0"]) && length(aws_apigatewayv2_integration.function) == 3
    error_message = "Three Lambda proxy integrations (api, ingest, web), payload format 2.0."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.sweep[0].schedule_expression == "rate(1 minute)"
    error_message = "sweep runs every minute by default."
  }
}

run "sweep_only" {
  command = plan

  module {
    source = "./modules/api"
  }

  variables {
    enable_http_api = false
    sweep_schedule  = "rate(2 minutes)"
  }

  assert {
    condition = (
      jsonencode(keys(aws_lambda_function.this)) == jsonencode(["sweep"]) && jsonencode(keys(aws_iam_role.function)) == jsonencode(["sweep"]) &&
      length(aws_apigatewayv2_api.http) == 0 && length(aws_apigatewayv2_stage.default) == 0 && length(aws_apigatewayv2_route.this) == 0 &&
      length(aws_apigatewayv2_integration.function) == 0 && length(aws_lambda_permission.http) == 0 && length(aws_cloudwatch_log_group.access) == 0
    )
    error_message = "Without the HTTP API only the sweep function (and its schedule) exists."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.sweep[0].schedule_expression == "rate(2 minutes)" && output.api_url == null
    error_message = "sweep_schedule sets the rule; api_url is null without the HTTP API."
  }
}

# Lambda's START/END/REPORT lines are ~390 B an invocation: system_log_level
# WARN drops them, which needs the JSON log format.
run "system_log_level_selects_the_json_format" {
  command = plan

  module {
    source = "./modules/api"
  }

  variables {
    system_log_level = "WARN"
    log_level        = "CRITICAL"
  }

  assert {
    condition = alltrue([
      for f in aws_lambda_function.this :
      f.logging_config[0].log_format == "JSON" && f.logging_config[0].system_log_level == "WARN" && f.logging_config[0].application_log_level == "FATAL"
    ])
    error_message = "system_log_level: every function logs in JSON, Lambda's lines from that level, the application at Lambda's name for log_level (CRITICAL is FATAL)."
  }
}

run "missing_zip_is_rejected" {
  command = plan

  module {
    source = "./modules/api"
  }

  variables {
    lambda_dist_dir = "tests/fixtures/not-built"
  }

  expect_failures = [aws_lambda_function.this]
}

# Apply runs last: their (mock) state must not be refreshed by the real
# provider of the plan runs above.

run "routes_reach_the_right_function" {
  command   = apply
  providers = { aws = aws.mock }

  module {
    source = "./modules/api"
  }

  assert {
    condition = alltrue([
      for rk, r in aws_apigatewayv2_route.this :
      r.target == "integrations/${aws_apigatewayv2_integration.function[rk == "POST /v1/readings" ? "ingest" : contains(["ANY /", "ANY /assets/{proxy+}"], rk) ? "web" : "api"].id}"
    ]) && length(toset([for i in aws_apigatewayv2_integration.function : i.id])) == 3
    error_message = "POST /v1/readings goes to ingest, the dashboard's two routes to web; every other route to api."
  }

  assert {
    condition     = alltrue([for k, i in aws_apigatewayv2_integration.function : i.integration_uri == aws_lambda_function.this[k].invoke_arn])
    error_message = "Each integration invokes its function."
  }

  assert {
    condition = (
      aws_lambda_permission.http["ingest"].source_arn == "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5/*/POST/v1/readings" &&
      aws_lambda_permission.http["api"].source_arn == "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5/*/*" &&
      aws_lambda_permission.http["web"].source_arn == "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5/*/*/" &&
      aws_lambda_permission.http["web_assets"].source_arn == "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5/*/*/assets/*" &&
      aws_lambda_permission.http["web_assets"].function_name == aws_lambda_function.this["web"].function_name &&
      alltrue([for p in aws_lambda_permission.http : p.principal == "apigateway.amazonaws.com" && p.action == "lambda:InvokeFunction"])
    )
    error_message = "API Gateway may invoke ingest through its route only, web through the dashboard's routes, and api through this API."
  }

  assert {
    condition = (
      aws_cloudwatch_event_target.sweep[0].arn == aws_lambda_function.this["sweep"].arn &&
      aws_lambda_permission.sweep_schedule[0].principal == "events.amazonaws.com" &&
      aws_lambda_permission.sweep_schedule[0].source_arn == aws_cloudwatch_event_rule.sweep[0].arn
    )
    error_message = "The schedule invokes sweep, and only that rule may."
  }

  assert {
    condition     = output.api_url == "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
    error_message = "api_url is the HTTP API's endpoint."
  }
}
