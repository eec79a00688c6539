# Alarms about the platform itself, all to the operations topic (alarm and
# back to OK). The list is built from what exists in the stack: one pair of
# Lambda alarms per function, one throttle alarm per table, the API alarm
# when there is an API (API Gateway, or the server's request lines).
#
# treat_missing_data is chosen per alarm:
#   notBreaching - the metric is only published when something happens (an
#                  error, a throttle, a failed delivery, an SMS sent) or when
#                  there is traffic; no data means nothing went wrong.
#   breaching    - the metric is a heartbeat (SweepRuns): no data IS the problem.

locals {
  alarm_actions = [local.ops_topic_arn]
  t             = var.alarm_thresholds

  alarm_names = merge(
    { for role, _ in local.functions : "lambda_errors_${role}" => "${var.name}-lambda-errors-${role}" },
    { for role, _ in local.functions : "lambda_throttles_${role}" => "${var.name}-lambda-throttles-${role}" },
    { for t, _ in local.tables : "dynamodb_throttles_${t}" => "${var.name}-dynamodb-throttles-${t}" },
    local.has_api ? { api_5xx_rate = "${var.name}-api-5xx-rate" } : {},
    local.has_lb ? { no_healthy_servers = "${var.name}-no-healthy-servers" } : {},
    {
      notifications_pending = "${var.name}-notifications-pending"
      notifications_failed  = "${var.name}-notifications-failed"
      notification_latency  = "${var.name}-notification-latency"
      sweep_not_running     = "${var.name}-sweep-not-running"
      alerts_delivery       = "${var.name}-alerts-delivery-failed"
      sms_spend             = "${var.name}-sms-spend"
    },
  )
  # Built from names so that the platform dashboard's alarm widget is known at plan time.
  alarm_arns = [for k in sort(keys(local.alarm_names)) : "${local.alarm_arn}:${local.alarm_names[k]}"]
}

# ---------------------------------------------------------------------------
# Functions.
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = local.functions

  alarm_name          = local.alarm_names["lambda_errors_${each.key}"]
  alarm_description   = "${each.value} had unhandled errors (crash, timeout, out of memory). Logs: /aws/lambda/${each.value}. See docs/observability.md#alarms."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.lambda_errors
  # Lambda publishes Errors only for periods with invocations: none, no error.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  for_each = local.functions

  alarm_name          = local.alarm_names["lambda_throttles_${each.key}"]
  alarm_description   = "${each.value} was throttled: invocations refused for lack of concurrency (reserved concurrency or the account's limit). Device uploads are retried by the boards; sweeps are lost. See docs/observability.md#alarms."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.lambda_throttles
  # Published only when invocations are attempted: none, no throttle.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

# ---------------------------------------------------------------------------
# API: share of 5xx answers (metric math), judged only above a minimum of
# requests so that one failed request out of two does not page anyone.
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  count = local.has_api ? 1 : 0

  alarm_name          = local.alarm_names.api_5xx_rate
  alarm_description   = "More than ${local.t.api_5xx_percent} % of the API's answers were 5xx over 5 minutes (at least ${local.t.api_min_requests} requests). Boards keep their readings and retry, but nothing new is stored or alerted on. See docs/observability.md#alarms."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.api_5xx_percent
  # No requests at all gives no data: not an API failure (silent boards are
  # the offline alerts' business).
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions

  metric_query {
    id          = "rate"
    expression  = local.api_5xx_expression
    label       = "5xx % of requests"
    return_data = true
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = local.api_source.ns
      metric_name = local.api_source.count
      dimensions  = { for i in range(0, length(local.api_source.dims), 2) : local.api_source.dims[i] => local.api_source.dims[i + 1] }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "errors5xx"
    metric {
      namespace   = local.api_source.ns
      metric_name = local.api_source.e5xx
      dimensions  = { for i in range(0, length(local.api_source.dims), 2) : local.api_source.dims[i] => local.api_source.dims[i + 1] }
      stat        = "Sum"
      period      = 300
    }
  }
}

# ---------------------------------------------------------------------------
# DynamoDB: throttled reads and writes per table (on-demand tables throttle
# too: a hot partition, or the table's or account's throughput limit).
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "dynamodb_throttles" {
  for_each = local.tables

  alarm_name          = local.alarm_names["dynamodb_throttles_${each.key}"]
  alarm_description   = "DynamoDB throttled ${each.value}: at least ${local.t.dynamodb_throttles} read or write throttle events in 5 minutes. The SDK retries; persistent throttling means slow or failed uploads. See docs/observability.md#alarms."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.dynamodb_throttles
  # DynamoDB publishes throttle events only when there are some.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions

  metric_query {
    id          = "throttles"
    expression  = "FILL(reads, 0) + FILL(writes, 0)"
    label       = "read + write throttle events"
    return_data = true
  }

  metric_query {
    id = "reads"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "ReadThrottleEvents"
      dimensions  = { TableName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "writes"
    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "WriteThrottleEvents"
      dimensions  = { TableName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }
}

# ---------------------------------------------------------------------------
# Notifications: the path of a fire alert to a person.
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "notifications_pending" {
  alarm_name          = local.alarm_names.notifications_pending
  alarm_description   = "A notification has waited more than ${local.t.pending_notification_age_s} s to be delivered (OldestPendingNotificationAge from the sweep): people are not being told. Check the alerts topic, its KMS key and the functions' errors. See docs/observability.md#alarms."
  namespace           = local.ns
  metric_name         = local.app.OldestPendingNotificationAge
  dimensions          = { service = local.service }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.pending_notification_age_s
  # Every sweep publishes it (0 when nothing waits); missing data means the
  # sweep is not running, which sweep_not_running reports: no double page.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "notifications_failed" {
  alarm_name          = local.alarm_names.notifications_failed
  alarm_description   = "Publishing an alert notification to SNS failed (NotificationsFailed). It stays pending and is retried every sweep, but check now. See docs/observability.md#alarms."
  namespace           = local.ns
  metric_name         = local.app.NotificationsFailed
  dimensions          = { service = local.service }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.notifications_failed
  # Published only when a publication fails.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

# Alarm latency (contract v1.1): from the event that made a transition to
# the notification's publication. The p95 over 15 minutes, so that one slow
# publication (an SNS retry) does not page, but a slow path does.
resource "aws_cloudwatch_metric_alarm" "notification_latency" {
  alarm_name          = local.alarm_names.notification_latency
  alarm_description   = "The p95 of the alarm notification latency (NotificationLatency) over 15 minutes is above ${var.latency_alarm_seconds} s: people are told of fires late. Check SNS, the sweep and the functions' or servers' logs. See docs/observability.md#alarms."
  namespace           = local.ns
  metric_name         = local.app.NotificationLatency
  dimensions          = { service = local.service }
  extended_statistic  = "p95"
  period              = 900
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.latency_alarm_seconds * 1000
  # No `unit`: an alarm whose unit differs from the published one sees no data.
  # Published only when a notification goes out: none, nothing late.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "sweep_not_running" {
  alarm_name          = local.alarm_names.sweep_not_running
  alarm_description   = "No sweep has completed for ${local.sweep_alarm_period} s (SweepRuns missing): offline boards are not detected, reminders and retried notifications are not sent. Check the schedule and the sweep's logs. See docs/observability.md#alarms."
  namespace           = local.ns
  metric_name         = local.app.SweepRuns
  dimensions          = { service = local.service }
  statistic           = "Sum"
  period              = local.sweep_alarm_period
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  # A heartbeat: every completed sweep publishes 1. No data is the failure.
  treat_missing_data = "breaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "alerts_delivery" {
  alarm_name          = local.alarm_names.alerts_delivery
  alarm_description   = "SNS failed to deliver alert notifications to subscribers of ${var.alerts_topic_name} (SMS sandbox, spend limit reached, opted-out number, bad address). See docs/observability.md#alarms."
  namespace           = "AWS/SNS"
  metric_name         = "NumberOfNotificationsFailed"
  dimensions          = { TopicName = var.alerts_topic_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.alerts_delivery_failed
  # Published only for periods with deliveries.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "sms_spend" {
  alarm_name          = local.alarm_names.sms_spend
  alarm_description   = "The account's SMS spend this month reached ${local.t.sms_spend_usd} USD. At the account's MonthlySpendLimit SNS stops sending SMS without telling anyone: raise the limit. See docs/observability.md#alarms."
  namespace           = "AWS/SNS"
  metric_name         = "SMSMonthToDateSpentUSD"
  statistic           = "Maximum"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.sms_spend_usd
  # Published only once SMS have been sent this month.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}

# ---------------------------------------------------------------------------
# vpc mode: at least one server must pass the load balancer's health check.
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "no_healthy_servers" {
  count = local.has_lb ? 1 : 0

  alarm_name          = local.alarm_names.no_healthy_servers
  alarm_description   = "No server behind the load balancer passes its health check for 3 minutes: the API answers 503 and the servers' sweep may not run. See docs/observability.md#alarms."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HealthyHostCount"
  dimensions          = { TargetGroup = var.load_balancer.target_group_arn_suffix, LoadBalancer = var.load_balancer.arn_suffix }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  # The load balancer publishes HealthyHostCount every minute while it
  # exists: no data means nothing is being checked, which is as bad.
  treat_missing_data = "breaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions
}
