# The Lambda functions of the platform, their IAM roles and log groups, the
# schedule of the `sweep` function (when enable_sweep) and (when
# enable_http_api) the API Gateway HTTP API in front of `api` and `ingest`.
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
      description = "HTTP API: devices, readings, alerts, health and dashboard"
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
  }
  functions = { for k, f in local.all_functions : k => f if f.http ? var.enable_http_api : var.enable_sweep }

  zip = { for k in keys(local.functions) : k => "${var.lambda_dist_dir}/${k}.zip" }

  # Route key => function, from the root (terraform/app-routes.json, made
  # from the application's route table).
  routes = var.enable_http_api ? var.routes : {}

  # Index ARNs are <table arn>/index/<name> (names from tables.ts).
  table = var.table_arns
  index = {
    readings_by_time = "${var.table_arns.readings}/index/byTime"
    alerts_all       = ["${var.table_arns.alerts}/index/byStatus", "${var.table_arns.alerts}/index/byDevice"]
  }

  admin_token_parameter_arn = "${local.arn_prefix.ssm}:parameter/${trimprefix(var.admin_token_parameter_name, "/")}"
  # When the admin token is encrypted with the AWS managed key alias/aws/ssm,
  # the key's id is not known without an API call (and that key only exists
  # once a SecureString has been created in the region). The statement that
  # uses this pattern is narrowed by two conditions: kms:ViaService (only
  # through SSM) and kms:EncryptionContext:PARAMETER_ARN (SSM puts the
  # parameter's ARN in the encryption context), so it can decrypt this one
  # parameter and nothing else.
  admin_token_kms_resource = coalesce(var.admin_token_kms_key_arn, "${local.arn_prefix.kms}:key/*")

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

data "aws_iam_policy_document" "ingest" {
  count = contains(keys(local.functions), "ingest") ? 1 : 0

  # PutItem stores a reading once (conditional put); GetItem fetches the
  # first stored version of a duplicate (src/app/ingest.ts).
  statement {
    sid       = "StoreReadings"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem"]
    resources = [local.table.readings]
  }

  statement {
    sid       = "ReadRecentReadings"
    actions   = ["dynamodb:Query"]
    resources = [local.table.readings, local.index.readings_by_time]
  }

  statement {
    sid       = "DevicesAndAlertState"
    actions   = ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"]
    resources = [local.table.devices]
  }

  statement {
    sid       = "Alerts"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [local.table.alerts]
  }

  statement {
    sid       = "Notify"
    actions   = ["sns:Publish"]
    resources = [var.topic_arn]
  }

  dynamic "statement" {
    for_each = var.table_kms_key_arn == null ? [] : [var.table_kms_key_arn]
    content {
      sid       = "TablesKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.aws.region}.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "TopicKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.topic_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${var.aws.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_streams.ingest]
  }
}

data "aws_iam_policy_document" "api" {
  count = contains(keys(local.functions), "api") ? 1 : 0

  statement {
    sid       = "Devices"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:Scan"]
    resources = [local.table.devices]
  }

  statement {
    sid       = "ReadReadings"
    actions   = ["dynamodb:Query"]
    resources = [local.table.readings, local.index.readings_by_time]
  }

  statement {
    sid       = "AlertItems"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = [local.table.alerts]
  }

  statement {
    sid       = "ListAlerts"
    actions   = ["dynamodb:Query"]
    resources = local.index.alerts_all
  }

  dynamic "statement" {
    for_each = var.table_kms_key_arn == null ? [] : [var.table_kms_key_arn]
    content {
      sid       = "TablesKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.aws.region}.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "ReadAdminToken"
    actions   = ["ssm:GetParameter"]
    resources = [local.admin_token_parameter_arn]
  }

  statement {
    sid       = "DecryptAdminToken"
    actions   = ["kms:Decrypt"]
    resources = [local.admin_token_kms_resource]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.${var.aws.region}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:PARAMETER_ARN"
      values   = [local.admin_token_parameter_arn]
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_streams.api]
  }
}

data "aws_iam_policy_document" "sweep" {
  count = contains(keys(local.functions), "sweep") ? 1 : 0

  # PutItem: raising `offline` on a board whose readings were never
  # evaluated creates its alert-state item (alertStates.commit, version 0).
  statement {
    sid       = "DevicesAndAlertState"
    actions   = ["dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"]
    resources = [local.table.devices]
  }

  statement {
    sid       = "AlertItems"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = [local.table.alerts]
  }

  statement {
    sid       = "ListAlerts"
    actions   = ["dynamodb:Query"]
    resources = local.index.alerts_all
  }

  statement {
    sid       = "Notify"
    actions   = ["sns:Publish"]
    resources = [var.topic_arn]
  }

  dynamic "statement" {
    for_each = var.table_kms_key_arn == null ? [] : [var.table_kms_key_arn]
    content {
      sid       = "TablesKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.aws.region}.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "TopicKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.topic_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${var.aws.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_streams.sweep]
  }
}

locals {
  policies = {
    api    = one(data.aws_iam_policy_document.api[*].json)
    ingest = one(data.aws_iam_policy_document.ingest[*].json)
    sweep  = one(data.aws_iam_policy_document.sweep[*].json)
  }
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

  logging_config {
    log_format = "Text" # Powertools already writes one JSON object per line
    log_group  = aws_cloudwatch_log_group.function[each.key].name
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
  for_each = var.enable_http_api ? toset(["api", "ingest"]) : toset([])

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
    # `api` serves every route but the upload, including $default.
    api = "${aws_apigatewayv2_api.http[0].execution_arn}/*/*"
    # `ingest` can be invoked through its one route only.
    ingest = "${aws_apigatewayv2_api.http[0].execution_arn}/*/POST/v1/readings"
  } : {}

  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = each.value
}
