# The observability module on its own, planned with the real provider: the
# operations topic and its key, the metric filters and saved queries, the
# API alarm built from a server's request lines when no API Gateway fronts
# it, and the sweep heartbeat's window derived from the schedule.

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variables {
  name                  = "fcmod"
  aws                   = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
  table_names           = { readings = "fcmod-readings", devices = "fcmod-devices", alerts = "fcmod-alerts" }
  alerts_topic_name     = "fcmod-alerts"
  server_log_group_name = "/firemon/fcmod/server"
  ops_emails            = ["oncall@example.org"]
  sweep_schedule        = "rate(5 minutes)"
  thresholds            = { heat = { critical = 60, clear = 45 } }
}

run "server_logs_without_api_gateway" {
  command = plan

  module {
    source = "./modules/observability"
  }

  assert {
    condition = (
      module.ops_topic.name == "fcmod-ops" && output.ops_topic_arn == "arn:aws:sns:eu-west-3:123456789012:fcmod-ops" &&
      jsonencode([for s in aws_sns_topic_subscription.ops_email : [s.protocol, s.endpoint]]) == jsonencode([["email", "oncall@example.org"]])
    )
    error_message = "The operations topic <name>-ops, and one e-mail subscription per ops_emails entry."
  }

  assert {
    # Fleet metrics from the reading lines (logs mode), request metrics from the server's request lines.
    condition = (
      jsonencode(sort(keys(aws_cloudwatch_log_metric_filter.fleet))) == jsonencode(["FleetCO2", "FleetFlameReadings", "FleetSmoke", "FleetTemperature"]) &&
      jsonencode(sort(keys(aws_cloudwatch_log_metric_filter.http))) == jsonencode(["Http4xx", "Http5xx", "HttpLatency", "HttpRequests"]) &&
      alltrue([for f in concat(values(aws_cloudwatch_log_metric_filter.fleet), values(aws_cloudwatch_log_metric_filter.http)) :
        f.log_group_name == "/firemon/fcmod/server" && f.metric_transformation[0].namespace == "FireCO2" &&
      jsonencode(f.metric_transformation[0].dimensions) == jsonencode({ service = "$.service" })]) &&
      aws_cloudwatch_log_metric_filter.fleet["FleetFlameReadings"].pattern == "{ $.message = \"reading\" && $.flame IS TRUE }"
    )
    error_message = "Metric filters on the server's log group, in the app's namespace, with the service dimension."
  }

  assert {
    condition = (
      aws_cloudwatch_log_index_policy.readings[0].log_group_name == "/firemon/fcmod/server" &&
      jsondecode(aws_cloudwatch_log_index_policy.readings[0].policy_document) == { Fields = ["deviceId", "message"] } &&
      toset(output.saved_queries) == toset(["fcmod/board-history", "fcmod/errors", "fcmod/fleet-now", "fcmod/last-seen"])
    )
    error_message = "The reading lines' log group is indexed on deviceId and message; saved queries exist."
  }

  assert {
    # No API Gateway: the 5xx rate comes from the request lines' metrics.
    condition = (
      jsonencode({ for q in aws_cloudwatch_metric_alarm.api_5xx_rate[0].metric_query : q.id => try(q.metric[0].metric_name, q.expression) }) == jsonencode({
        errors5xx = "Http5xx", rate = "IF(requests >= 20, 100 * FILL(errors5xx, 0) / requests, 0)", requests = "HttpRequests"
      }) &&
      length(aws_cloudwatch_metric_alarm.lambda_errors) == 0 && length(aws_cloudwatch_metric_alarm.no_healthy_servers) == 0
    )
    error_message = "Without an API Gateway the API alarm divides Http5xx by HttpRequests; no function, no Lambda alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.sweep_not_running.period == 600 && aws_cloudwatch_metric_alarm.sweep_not_running.treat_missing_data == "breaching"
    error_message = "rate(5 minutes): no sweep for 600 s (twice the interval) is an alarm, and no data is."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_dashboard.fleet.dashboard_body, "heat critical (60 °C)") && output.thresholds.heat == { critical = 60, clear = 45, risePerMinute = 8.3 }
    error_message = "The given heat thresholds are drawn; the rest are the contract's defaults."
  }
}

run "cron_sweep_and_no_server" {
  command = plan

  module {
    source = "./modules/observability"
  }

  variables {
    server_log_group_name = null
    sweep_schedule        = "cron(0/10 * * * ? *)"
    ops_emails            = []
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.sweep_not_running.period == 3600 &&
      length(aws_cloudwatch_metric_alarm.api_5xx_rate) == 0 && length(aws_cloudwatch_log_metric_filter.fleet) == 0 &&
      length(aws_sns_topic_subscription.ops_email) == 0 &&
      strcontains(aws_cloudwatch_dashboard.platform.dashboard_body, "No HTTP API in this stack yet")
    )
    error_message = "A cron schedule gets a one-hour heartbeat window; no API and no log group: no API alarm, no filters, a note instead of graphs."
  }
}
