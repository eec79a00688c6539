output "dashboard_names" {
  description = "CloudWatch dashboard names: fleet and platform."
  value       = { fleet = aws_cloudwatch_dashboard.fleet.dashboard_name, platform = aws_cloudwatch_dashboard.platform.dashboard_name }
}

output "dashboard_urls" {
  description = "Console URLs of the dashboards: fleet and platform."
  value = {
    for k, d in { fleet = aws_cloudwatch_dashboard.fleet.dashboard_name, platform = aws_cloudwatch_dashboard.platform.dashboard_name } :
    k => "https://${local.console_host}/cloudwatch/home?region=${local.region}#dashboards/dashboard/${d}"
  }
}

output "ops_topic_arn" {
  description = "ARN of the operations SNS topic every alarm notifies (built from its name, known at plan time)."
  value       = local.ops_topic_arn
}

output "ops_kms_key_arn" {
  description = "ARN of the operations topic's customer-managed KMS key."
  value       = module.ops_topic.kms_key_arn
}

output "alarm_names" {
  description = "Names of the operations alarms, by key (lambda_errors_<role>, lambda_throttles_<role>, dynamodb_throttles_<table>, api_5xx_rate, notifications_pending, notifications_failed, sweep_not_running, alerts_delivery, sms_spend)."
  value       = local.alarm_names
}

output "thresholds" {
  description = "The deployment-wide thresholds the dashboards draw: the app's object over the contract's defaults."
  value       = local.thresholds
}

output "reading_log_group_name" {
  description = "The log group holding the per-board lines (ingest function or server variant), or null."
  value       = local.reading_log_group
}

output "log_metric_names" {
  description = "Metrics made by the metric filters of this module (fleet: logs mode; http: when the server variant's log group is known)."
  value       = { fleet = sort(keys(aws_cloudwatch_log_metric_filter.fleet)), http = sort(keys(aws_cloudwatch_log_metric_filter.http)) }
}

output "saved_queries" {
  description = "Names of the saved Logs Insights queries."
  value       = sort([for q in aws_cloudwatch_query_definition.this : q.name])
}

output "dashboard_bodies" {
  description = "The dashboards' bodies (JSON), for review and tests."
  value       = { fleet = aws_cloudwatch_dashboard.fleet.dashboard_body, platform = aws_cloudwatch_dashboard.platform.dashboard_body }
}

output "alarms" {
  description = "Every operations alarm by name: its actions, missing-data treatment and threshold, for review and tests."
  value = {
    for a in concat(
      values(aws_cloudwatch_metric_alarm.lambda_errors),
      values(aws_cloudwatch_metric_alarm.lambda_throttles),
      values(aws_cloudwatch_metric_alarm.dynamodb_throttles),
      aws_cloudwatch_metric_alarm.api_5xx_rate,
      aws_cloudwatch_metric_alarm.no_healthy_servers,
      [
        aws_cloudwatch_metric_alarm.notifications_pending,
        aws_cloudwatch_metric_alarm.notifications_failed,
        aws_cloudwatch_metric_alarm.sweep_not_running,
        aws_cloudwatch_metric_alarm.alerts_delivery,
        aws_cloudwatch_metric_alarm.sms_spend,
      ],
      ) : a.alarm_name => {
      alarm_actions       = a.alarm_actions
      ok_actions          = a.ok_actions
      treat_missing_data  = a.treat_missing_data
      comparison_operator = a.comparison_operator
      threshold           = a.threshold
      namespace           = a.namespace
      metric_name         = a.metric_name
      dimensions          = a.dimensions
      period              = a.period
      metric_queries      = [for q in a.metric_query : { id = q.id, expression = q.expression, metric = [for m in q.metric : { namespace = m.namespace, metric_name = m.metric_name, dimensions = m.dimensions }] }]
    }
  }
}

output "latency_alarm" {
  description = "The alarm on the p95 of NotificationLatency (name, statistic, period, threshold in ms, actions), for review."
  value = {
    alarm_name          = aws_cloudwatch_metric_alarm.notification_latency.alarm_name
    metric_name         = aws_cloudwatch_metric_alarm.notification_latency.metric_name
    extended_statistic  = aws_cloudwatch_metric_alarm.notification_latency.extended_statistic
    period              = aws_cloudwatch_metric_alarm.notification_latency.period
    threshold           = aws_cloudwatch_metric_alarm.notification_latency.threshold
    comparison_operator = aws_cloudwatch_metric_alarm.notification_latency.comparison_operator
    alarm_actions       = aws_cloudwatch_metric_alarm.notification_latency.alarm_actions
  }
}

output "ops_subscriptions" {
  description = "Endpoints subscribed to the operations topic, by protocol."
  value = {
    email = sort([for s in aws_sns_topic_subscription.ops_email : s.endpoint])
    sms   = sort([for s in aws_sns_topic_subscription.ops_sms : s.endpoint])
  }
}
