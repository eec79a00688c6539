# Observability of the platform: a fleet dashboard (what the boards measure,
# which are silent, which alerts fired), a platform dashboard (API, functions,
# tables, SNS, the application's own metrics), alarms about the platform
# itself on a separate operations topic, and the few metric filters and saved
# queries that make per-board logs readable.
#
# Names of what the application emits come from app-contract.json (held to
# src/ by terraform/tests/grafana.test.ts); names of what the stack creates
# come from the inputs (module outputs of storage, alerts, api, server).

locals {
  contract = jsondecode(file("${path.module}/app-contract.json"))
  ns       = var.metrics_namespace
  service  = var.name
  region   = var.aws.region

  # --- Thresholds: the app's object (any subset) over the contract's defaults.
  defaults = local.contract.thresholdDefaults
  thresholds = {
    co2 = {
      warning  = coalesce(try(var.thresholds.co2.warning, null), local.defaults.co2.warning)
      critical = coalesce(try(var.thresholds.co2.critical, null), local.defaults.co2.critical)
      clear    = coalesce(try(var.thresholds.co2.clear, null), local.defaults.co2.clear)
    }
    heat = {
      critical      = coalesce(try(var.thresholds.heat.critical, null), local.defaults.heat.critical)
      clear         = coalesce(try(var.thresholds.heat.clear, null), local.defaults.heat.clear)
      risePerMinute = coalesce(try(var.thresholds.heat.risePerMinute, null), local.defaults.heat.risePerMinute)
    }
    smoke = {
      critical = coalesce(try(var.thresholds.smoke.critical, null), local.defaults.smoke.critical)
      clear    = coalesce(try(var.thresholds.smoke.clear, null), local.defaults.smoke.clear)
    }
    offlineAfterSeconds = coalesce(try(var.thresholds.offlineAfterSeconds, null), var.offline_after_seconds)
  }

  # Horizontal annotations of the fleet graphs, by measurement.
  annotations = {
    co2 = [
      { label = "CO2 critical (${local.thresholds.co2.critical} ppm)", value = local.thresholds.co2.critical, color = "#d62728" },
      { label = "CO2 warning (${local.thresholds.co2.warning} ppm)", value = local.thresholds.co2.warning, color = "#ff7f0e" },
      { label = "CO2 clears below ${local.thresholds.co2.clear} ppm", value = local.thresholds.co2.clear, color = "#2ca02c" },
    ]
    temperature = [
      { label = "heat critical (${local.thresholds.heat.critical} °C)", value = local.thresholds.heat.critical, color = "#d62728" },
      { label = "heat clears below ${local.thresholds.heat.clear} °C", value = local.thresholds.heat.clear, color = "#2ca02c" },
    ]
    smoke = [
      { label = "smoke critical (${local.thresholds.smoke.critical})", value = local.thresholds.smoke.critical, color = "#d62728" },
      { label = "smoke clears below ${local.thresholds.smoke.clear}", value = local.thresholds.smoke.clear, color = "#2ca02c" },
    ]
  }

  # --- Where the JSON lines are. The reading lines (DEVICE_SERIES=logs), the
  # per-board EMF lines (metrics) and the request lines come from the ingest
  # function in serverless mode and from the server variant in vpc mode.
  reading_log_group = lookup(var.log_group_names, "ingest", var.server_log_group_name)
  app_log_groups = compact(concat(
    [for role in sort(keys(var.function_names)) : lookup(var.log_group_names, role, null)],
    [var.server_log_group_name],
  ))

  # --- The sweep's interval, from its schedule (rate(N unit)); null for cron.
  sweep_rate = try(regex("^rate\\(([0-9]+) (minute|minutes|hour|hours|day|days)\\)$", var.sweep_schedule), null)
  sweep_interval_seconds = local.sweep_rate == null ? null : tonumber(local.sweep_rate[0]) * lookup(
    { minute = 60, minutes = 60, hour = 3600, hours = 3600, day = 86400, days = 86400 }, local.sweep_rate[1]
  )
  sweep_alarm_period = coalesce(
    var.sweep_alarm_period_seconds,
    local.sweep_interval_seconds == null ? 3600 : min(86400, max(300, ceil(2 * local.sweep_interval_seconds / 60) * 60)),
  )

  # --- What exists in this mode.
  has_http_api      = var.http_api != null
  has_server_logs   = var.server_log_group_name != null
  has_api           = local.has_http_api || local.has_server_logs
  has_lb            = var.load_balancer != null
  has_fleet_filters = var.device_series == "logs" && local.reading_log_group != null
  # Console host of the partition (the URLs of the outputs).
  console_host = lookup({ "aws-cn" = "console.amazonaws.cn", "aws-us-gov" = "console.amazonaws-us-gov.com" }, var.aws.partition, "${local.region}.console.aws.amazon.com")

  ops_topic_name = "${var.name}-ops"
  ops_topic_arn  = "arn:${var.aws.partition}:sns:${local.region}:${var.aws.account_id}:${local.ops_topic_name}"
  alarm_arn      = "arn:${var.aws.partition}:cloudwatch:${local.region}:${var.aws.account_id}:alarm"

  dashboard_names = {
    fleet    = "${var.name}-fleet"
    platform = "${var.name}-platform"
  }
}
