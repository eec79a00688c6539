# Metrics and saved queries made from the application's JSON log lines.

locals {
  # DEVICE_SERIES=logs: a handful of fleet-wide metrics from the reading lines
  # (the highest and mean value across the boards, whatever their number),
  # so that the fleet dashboard can draw the thresholds over them. They cost
  # 0.30 USD a month each, not per board.
  fleet_filters = local.has_fleet_filters ? {
    FleetCO2           = { pattern = "{ $.message = \"reading\" && $.co2 = * }", value = "$.co2", unit = "None" }
    FleetTemperature   = { pattern = "{ $.message = \"reading\" && $.temperature = * }", value = "$.temperature", unit = "None" }
    FleetSmoke         = { pattern = "{ $.message = \"reading\" && $.smoke = * }", value = "$.smoke", unit = "None" }
    FleetFlameReadings = { pattern = "{ $.message = \"reading\" && $.flame IS TRUE }", value = "1", unit = "Count" }
  } : {}

  # A server variant without an API Gateway in front of it: requests, 5xx
  # and latency come from the request lines it writes (the same as the
  # functions'). (Today's vpc mode has an HTTP API, so these are not made.)
  http_filters = local.has_server_logs && !local.has_http_api ? {
    HttpRequests = { pattern = "{ $.message = \"request\" }", value = "1", unit = "Count" }
    Http4xx      = { pattern = "{ $.message = \"request\" && $.status >= 400 && $.status < 500 }", value = "1", unit = "Count" }
    Http5xx      = { pattern = "{ $.message = \"request\" && $.status >= 500 }", value = "1", unit = "Count" }
    HttpLatency  = { pattern = "{ $.message = \"request\" && $.durationMs = * }", value = "$.durationMs", unit = "Milliseconds" }
  } : {}
}

resource "aws_cloudwatch_log_metric_filter" "fleet" {
  for_each = local.fleet_filters

  name           = "${var.name}-${each.key}"
  log_group_name = local.reading_log_group
  pattern        = each.value.pattern

  metric_transformation {
    name      = each.key
    namespace = local.ns
    value     = each.value.value
    unit      = each.value.unit
    # The same `service` dimension as the application's metrics, so that two
    # stacks sharing a namespace never mix.
    dimensions = { (local.contract.serviceDimension) = "$.service" }
  }
}

resource "aws_cloudwatch_log_metric_filter" "http" {
  for_each = local.http_filters

  name           = "${var.name}-${each.key}"
  log_group_name = var.server_log_group_name
  pattern        = each.value.pattern

  metric_transformation {
    name       = each.key
    namespace  = local.ns
    value      = each.value.value
    unit       = each.value.unit
    dimensions = { (local.contract.serviceDimension) = "$.service" }
  }
}

# One-board queries (`deviceId = "..."`) then scan that board's events only,
# not the whole fleet's; `message` narrows the fleet tables to reading lines.
resource "aws_cloudwatch_log_index_policy" "readings" {
  count = var.index_reading_fields && var.device_series != "off" && local.reading_log_group != null ? 1 : 0

  log_group_name  = local.reading_log_group
  policy_document = jsonencode({ Fields = ["deviceId", "message"] })
}

# Saved Logs Insights queries (Logs Insights > Saved queries > <name>/...).
resource "aws_cloudwatch_query_definition" "this" {
  for_each = merge(
    var.device_series == "logs" && local.reading_log_group != null ? {
      "board-history" = {
        groups = [local.reading_log_group]
        query  = <<-EOQ
          # One board's readings: replace the id, pick a time range, run, then Visualization.
          filter message = "reading" and deviceId = "bbb-room-101"
          | stats avg(co2) as co2, max(co2) as co2_max, avg(temperature) as temperature_c, max(smoke) as smoke by bin(5m)
        EOQ
      }
      "fleet-now" = {
        groups = [local.reading_log_group]
        query  = local.queries.fleet_now
      }
    } : {},
    var.device_series != "off" && local.reading_log_group != null ? {
      "last-seen" = {
        groups = [local.reading_log_group]
        query  = local.queries.last_seen
      }
    } : {},
    length(local.app_log_groups) > 0 ? {
      "errors" = {
        groups = local.app_log_groups
        query  = <<-EOQ
          # Every error and warning the platform logged, newest first.
          filter level = "ERROR" or level = "WARN" or @message like /Task timed out|Runtime\.|ERROR/
          | fields @timestamp, @log, level, message, deviceId, error.message
          | sort @timestamp desc
          | limit 200
        EOQ
      }
    } : {},
  )

  name            = "${var.name}/${each.key}"
  log_group_names = each.value.groups
  query_string    = trimspace(each.value.query)
}
