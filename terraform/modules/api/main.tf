# The Lambda functions of the platform, their IAM roles and log groups, the
# schedule of the `sweep` function (when enable_sweep) and (when
# enable_http_api) the API Gateway HTTP API in front of `api`, `ingest` and
# `web` (the dashboard's page and files, apart so the api stays small).
#
# ARNs used in the IAM policies are built from names (tables, topic, log
# groups, parameter) so that every policy is known, and shown in full, at
# plan time.

locals {
  arn_prefix = {
    logs = "arn:${var.aws.partition}:logs:${var.aws.region}:${var.aws.account_id}"
    ssm  = "arn:${var.aws.partition}:ssm:${var.aws.region}:${var.aws.account_id}"
    kms  = "arn:${var.aws.partition}:kms:${var.aws.region}:${var.aws.account_id}"
  }

  all_functions = {
    api = {
      description = "HTTP API: devices, readings, alerts, silences, health"
      timeout     = var.api_timeout_seconds
      http        = true
    }
    ingest = {
      description = "HTTP API: POST /v1/readings (device uploads)"
      timeout     = var.api_timeout_seconds
      http        = true
    }
    sweep = {
      description = "Scheduled: offline detection, pending notifications, reminders"
      timeout     = var.sweep_timeout_seconds
      http        = false
    }
    web = {
      description = "HTTP API: the dashboard (GET / and /assets/...), no store access"
      timeout     = var.api_timeout_seconds
      http        = true
    }
  }
  functions = { for k, f in local.all_functions : k => f if f.http ? var.enable_http_api : var.enable_sweep }

  zip = { for k in keys(local.functions) : k => "${var.lambda_dist_dir}/${k}.zip" }

  # Route key => function, from the root (terraform/app-routes.json, made
  # from the application's route table).
  routes = var.enable_http_api ? var.routes : {}



  log_group_names = { for k in keys(local.all_functions) : k => "/aws/lambda/${var.name}-${k}" }
  # Lambda's own log streams are created with generated names; ":*" after
  # the group ARN (as in the Lambda developer guide) covers them and nothing
  # outside this function's group.
  log_streams = { for k, n in local.log_group_names : k => "${local.arn_prefix.logs}:log-group:${n}:*" }
}

# ---------------------------------------------------------------------------
# IAM: one role per function, one inline policy each, least privilege.
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# The application's permissions come from ../app-permissions (shared with
# the servers' instance role); each function adds its own log stream.
module "permissions" {
  source = "../app-permissions"

  aws                        = var.aws
  table_arns                 = var.table_arns
  table_kms_key_arn          = var.table_kms_key_arn
  topic_arn                  = var.topic_arn
  topic_kms_key_arn          = var.topic_kms_key_arn
  admin_token_parameter_name = var.admin_token_parameter_name
  admin_token_kms_key_arn    = var.admin_token_kms_key_arn
  read_token_parameter_name  = var.read_token_parameter_name

  front_door_secret_parameter_name = var.front_door_secret_parameter_name
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  # `web` has no statements of its own: it only writes its logs.
  dynamic "statement" {
    for_each = lookup(module.permissions.statements, each.key, [])
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_streams[each.key]]
  }
}

locals {
  policies = { for k in keys(local.all_functions) : k => try(data.aws_iam_policy_document.function[k].json, null) }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${var.name}-${each.key}-lambda"
  description        = "Runs the ${var.name}-${each.key} Lambda function"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = local.policies[each.key]
}

# ---------------------------------------------------------------------------
# Functions and their log groups.
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = local.log_group_names[each.key]
  retention_in_days = var.log_retention_days
}

locals {
  # Lambda's name for each Powertools level (Lambda has FATAL where Powertools has CRITICAL and SILENT).
  lambda_application_log_level = lookup({ CRITICAL = "FATAL", SILENT = "FATAL" }, var.log_level, var.log_level)
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  function_name = "${var.name}-${each.key}"
  description   = each.value.description
  role          = aws_iam_role.function[each.key].arn
  filename      = local.zip[each.key]
  # Guarded so that `terraform destroy` works without the zips; the
  # precondition below stops a plan that would deploy a missing zip.
  source_code_hash = fileexists(local.zip[each.key]) ? filebase64sha256(local.zip[each.key]) : null
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = ["arm64"]
  memory_size      = var.memory_size
  timeout          = each.value.timeout

  reserved_concurrent_executions = coalesce(try(var.reserved_concurrency[each.key], null), -1)

  environment {
    variables = var.environment
  }

  # Text by default: Powertools already writes one JSON object per line. The
  # JSON format is only needed to filter Lambda's own lines (system_log_level).
  logging_config {
    log_format            = var.system_log_level == null ? "Text" : "JSON"
    system_log_level      = var.system_log_level
    application_log_level = var.system_log_level == null ? null : local.lambda_application_log_level
    log_group             = aws_cloudwatch_log_group.function[each.key].name
  }

  # The role must be able to write logs before the first invocation.
  depends_on = [aws_iam_role_policy.function]

  lifecycle {
    precondition {
      condition     = fileexists(local.zip[each.key])
      error_message = "${local.zip[each.key]} does not exist: run `npm run build` (make plan and make apply do), or point lambda_dist_dir at the built zips."
    }
  }
}

# ---------------------------------------------------------------------------
# The sweep schedule (enable_sweep: serverless mode; in vpc mode the servers
# run the sweep on a timer).
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "sweep" {
  count = var.enable_sweep ? 1 : 0

  name                = "${var.name}-sweep"
  description         = "Runs ${var.name}-sweep: offline detection, pending notifications, reminders"
  schedule_expression = var.sweep_schedule
}

# A sweep that could not start within a minute is replaced by the next one:
# retries and event age are bounded on both hops (EventBridge -> Lambda's
# queue, and Lambda's own asynchronous retries), so a backlog of stale
# sweeps can never pile up behind an outage. The sweep is idempotent (its
# writes are conditional), so one retry is harmless.
resource "aws_cloudwatch_event_target" "sweep" {
  count = var.enable_sweep ? 1 : 0

  rule = aws_cloudwatch_event_rule.sweep[0].name
  arn  = aws_lambda_function.this["sweep"].arn

  retry_policy {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 60
  }
}

resource "aws_lambda_function_event_invoke_config" "sweep" {
  count = var.enable_sweep ? 1 : 0

  function_name                = aws_lambda_function.this["sweep"].function_name
  maximum_retry_attempts       = 1
  maximum_event_age_in_seconds = 60
}

resource "aws_lambda_permission" "sweep_schedule" {
  count = var.enable_sweep ? 1 : 0

  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["sweep"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.sweep[0].arn
}

# ---------------------------------------------------------------------------
# The HTTP API (serverless mode).
# ---------------------------------------------------------------------------

resource "aws_apigatewayv2_api" "http" {
  count = var.enable_http_api ? 1 : 0

  name          = "${var.name}-http"
  description   = "Fire/CO2 monitoring HTTP API (${var.name})"
  protocol_type = "HTTP"
}

resource "aws_cloudwatch_log_group" "access" {
  count = var.enable_http_api ? 1 : 0

  name              = "/aws/apigateway/${var.name}-http/access"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_stage" "default" {
  count = var.enable_http_api ? 1 : 0

  # route_settings name a route that must exist first.
  depends_on = [aws_apigatewayv2_route.this]

  api_id      = aws_apigatewayv2_api.http[0].id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  # The boards' upload has its own budget: a flood on the other routes (or
  # on unknown paths, `$default`) cannot take it.
  route_settings {
    route_key              = "POST /v1/readings"
    throttling_burst_limit = var.readings_throttling_burst_limit
    throttling_rate_limit  = var.readings_throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access[0].arn
    format          = var.access_log_format
  }
}

resource "aws_apigatewayv2_integration" "function" {
  for_each = var.enable_http_api ? toset(["api", "ingest", "web"]) : toset([])

  api_id                 = aws_apigatewayv2_api.http[0].id
  description            = "${var.name}-${each.key}"
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.this[each.key].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes

  api_id    = aws_apigatewayv2_api.http[0].id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.function[each.value].id}"
}

resource "aws_lambda_permission" "http" {
  for_each = var.enable_http_api ? {
    # `api` serves every route but the upload and the dashboard, including $default.
    api = { function = "api", source_arn = "${aws_apigatewayv2_api.http[0].execution_arn}/*/*" }
    # `ingest` can be invoked through its one route only.
    ingest = { function = "ingest", source_arn = "${aws_apigatewayv2_api.http[0].execution_arn}/*/POST/v1/readings" }
    # `web` through the dashboard's two routes only (`ANY /`, `ANY /assets/{proxy+}`).
    web        = { function = "web", source_arn = "${aws_apigatewayv2_api.http[0].execution_arn}/*/*/" }
    web_assets = { function = "web", source_arn = "${aws_apigatewayv2_api.http[0].execution_arn}/*/*/assets/*" }
  } : {}

  statement_id  = each.key == "web_assets" ? "AllowHttpApiAssets" : "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.value.function].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = each.value.source_arn
}
