# The two CloudWatch dashboards. Every widget is built from what exists in
# this stack (functions, tables, topic, log groups, API) and from the names
# in app-contract.json, so any number of boards shows without editing
# Terraform: per-board values come from metric SEARCH expressions (metrics
# mode) or Logs Insights queries (logs mode), never one widget per board.
#
# Widgets carry no x/y: CloudWatch lays them out in order, left to right.

locals {
  board_placeholder = "__BOARD__" # replaced by the dashboard's Board variable
  svc_filter        = "${local.contract.serviceDimension}=\"${local.service}\""

  # Logs Insights dashboard widgets name their log groups with SOURCE.
  source = local.reading_log_group == null ? "" : "SOURCE '${local.reading_log_group}' | "

  # --- Logs Insights queries (also the saved queries of logs.tf).
  queries = {
    # Boards silent the longest first. Any line naming the board counts: the
    # reading lines (logs mode) or the per-board EMF lines (metrics mode).
    last_seen = var.device_series == "logs" ? join("\n", [
      "filter message = \"reading\"",
      "| stats max(@timestamp) as last_seen, count(*) as readings by deviceId",
      "| sort last_seen asc",
      "| limit 200",
      ]) : join("\n", [
      "filter ispresent(deviceId)",
      "| stats max(@timestamp) as last_seen, count(*) as lines by deviceId",
      "| sort last_seen asc",
      "| limit 200",
    ])
    fleet_now = join("\n", [
      "filter message = \"reading\"",
      "| stats latest(co2) as co2_ppm, max(co2) as co2_peak, latest(temperature) as temperature_c, max(temperature) as temperature_peak, latest(humidity) as humidity_pct, max(smoke) as smoke_peak, max(@timestamp) as last_reading by deviceId",
      "| sort co2_peak desc",
      "| limit 200",
    ])
    above_thresholds = join("\n", [
      "filter message = \"reading\"",
      "| stats latest(co2) as co2_ppm, latest(temperature) as temperature_c, latest(smoke) as smoke, max(@timestamp) as last_reading by deviceId",
      "| filter co2_ppm >= ${local.thresholds.co2.warning} or temperature_c >= ${local.thresholds.heat.critical} or smoke >= ${local.thresholds.smoke.critical}",
      "| sort co2_ppm desc",
      "| limit 200",
    ])
    # JSON booleans: matched both as 1 and as "true", whichever way Logs Insights represents them.
    flame = join("\n", [
      "filter message = \"reading\" and (flame = 1 or flame = \"true\")",
      "| stats count(*) as flame_readings, min(@timestamp) as first_seen, max(@timestamp) as last_seen by deviceId",
      "| sort last_seen desc",
      "| limit 200",
    ])
  }

  # One board's time series (logs mode): the Board variable replaces the placeholder.
  board_filter = "filter message = \"reading\" and deviceId = \"${local.board_placeholder}\""
  board_series = {
    co2         = "stats avg(co2) as co2_avg, max(co2) as co2_max by bin(5m)"
    temperature = "stats avg(temperature) as temperature_avg, max(temperature) as temperature_max by bin(5m)"
    smoke       = "stats avg(smoke) as smoke_avg, max(smoke) as smoke_max by bin(5m)"
    humidity    = "stats avg(humidity) as humidity_avg by bin(5m)"
  }

  log_widget = {
    for k, q in {
      last_seen         = { title = "Last seen: boards silent the longest first (offline after ${local.thresholds.offlineAfterSeconds} s)", query = local.queries.last_seen, view = "table", width = 12 }
      fleet_now         = { title = "Every board in the range: latest and peak values (highest CO2 first)", query = local.queries.fleet_now, view = "table", width = 24 }
      above_thresholds  = { title = "Boards whose latest reading is at or above a deployment threshold (CO2 >= ${local.thresholds.co2.warning} ppm, temperature >= ${local.thresholds.heat.critical} °C, smoke >= ${local.thresholds.smoke.critical})", query = local.queries.above_thresholds, view = "table", width = 12 }
      flame             = { title = "Flame readings by board", query = local.queries.flame, view = "table", width = 12 }
      board_co2         = { title = "Board ${local.board_placeholder}: CO2 ppm (warning ${local.thresholds.co2.warning}, critical ${local.thresholds.co2.critical}, clears below ${local.thresholds.co2.clear})", query = "${local.board_filter}\n| ${local.board_series.co2}", view = "timeSeries", width = 12 }
      board_temperature = { title = "Board ${local.board_placeholder}: temperature °C (critical ${local.thresholds.heat.critical}, clears below ${local.thresholds.heat.clear})", query = "${local.board_filter}\n| ${local.board_series.temperature}", view = "timeSeries", width = 12 }
      board_smoke       = { title = "Board ${local.board_placeholder}: smoke (critical ${local.thresholds.smoke.critical}, clears below ${local.thresholds.smoke.clear})", query = "${local.board_filter}\n| ${local.board_series.smoke}", view = "timeSeries", width = 12 }
      board_humidity    = { title = "Board ${local.board_placeholder}: relative humidity %", query = "${local.board_filter}\n| ${local.board_series.humidity}", view = "timeSeries", width = 12 }
      } : k => {
      type   = "log"
      width  = q.width
      height = 6
      properties = {
        title  = q.title
        region = local.region
        view   = q.view
        query  = "${local.source}${q.query}"
      }
    }
  }

  # --- Metric widgets.
  app_metric = { for m, _ in local.contract.metrics : m => m }

  search = {
    for k, m in local.contract.deviceSeries.metrics : k =>
    "SEARCH('{${local.ns},${join(",", local.contract.deviceSeries.dimensions)}} MetricName=\"${m}\" ${local.svc_filter}', '${k == "humidity" ? "Average" : "Maximum"}', 300)"
  }
  alert_search = {
    raised   = "SEARCH('{${local.ns},kind,service,severity,transition} MetricName=\"AlertTransitions\" ${local.svc_filter} (transition=\"raised\" OR transition=\"escalated\")', 'Sum', 300)"
    resolved = "SEARCH('{${local.ns},kind,service,severity,transition} MetricName=\"AlertTransitions\" ${local.svc_filter} transition=\"resolved\"', 'Sum', 300)"
    reminder = "SEARCH('{${local.ns},kind,service,severity,transition} MetricName=\"AlertTransitions\" ${local.svc_filter} transition=\"reminder\"', 'Sum', 300)"
    active   = "SEARCH('{${local.ns},kind,service,severity} MetricName=\"${local.app_metric.ActiveAlerts}\" ${local.svc_filter}', 'Maximum', 60)"
  }

  fleet_common = [
    {
      type   = "text"
      width  = 24
      height = 3
      properties = {
        markdown = join("\n", [
          "# Fleet of ${var.name}",
          "Per-board values: **${var.device_series}** (`device_series`). Deployment thresholds: CO2 warning ${local.thresholds.co2.warning} / critical ${local.thresholds.co2.critical} ppm (clears below ${local.thresholds.co2.clear}), heat ${local.thresholds.heat.critical} °C or +${local.thresholds.heat.risePerMinute} °C/min, smoke ${local.thresholds.smoke.critical}, offline after ${local.thresholds.offlineAfterSeconds} s. Boards may override them.",
          var.device_series == "off" ? "Per-board series are off: read a board's history with `GET /v1/devices/{id}/readings` or the web dashboard." : "Type a board id in **Board** (top of the page) to draw that board alone. Platform health: [${local.dashboard_names.platform}](#dashboards/dashboard/${local.dashboard_names.platform}). How to read this page: docs/observability.md.",
        ])
      }
    },
    {
      type   = "metric"
      width  = 6
      height = 6
      properties = {
        title   = "Boards offline now (sweep)"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 60
        stat    = "Maximum"
        metrics = [[local.ns, local.app_metric.OfflineDevices, "service", local.service, { label = "offline boards" }]]
        yAxis   = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 6
      height = 6
      properties = {
        title   = "Active alerts now, by kind and severity (sweep)"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 60
        metrics = [[{ expression = local.alert_search.active, id = "active", label = "", period = 60 }]]
        yAxis   = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 6
      height = 6
      properties = {
        title   = "Alerts raised and escalated, by kind and severity"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 300
        metrics = [[{ expression = local.alert_search.raised, id = "raised", label = "", period = 300 }]]
        yAxis   = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 6
      height = 6
      properties = {
        title   = "Alerts resolved, by kind and severity"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 300
        metrics = [[{ expression = local.alert_search.resolved, id = "resolved", label = "", period = 300 }]]
        yAxis   = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 6
      height = 6
      properties = {
        title   = "Reminders of unacknowledged critical alerts"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 300
        metrics = [[{ expression = local.alert_search.reminder, id = "reminder", label = "", period = 300 }]]
        yAxis   = { left = { min = 0, showUnits = false } }
      }
    },
  ]

  # logs mode: fleet-wide graphs from the metric filters (with the thresholds
  # drawn), then Logs Insights tables and the one-board time series.
  # The annotations property of a graph, left out when there is nothing to
  # draw (an empty object merges to nothing).
  annotations_of = {
    for k in ["co2", "temperature", "smoke", "flame", "humidity"] : k => {
      for a in(length(lookup(local.annotations, k, [])) > 0 ? ["annotations"] : []) : a => { horizontal = local.annotations[k] }
    }
  }

  fleet_metric = {
    co2         = { title = "CO2 ppm across the fleet: the highest board and the mean", metric = "FleetCO2", stats = ["Maximum", "Average"], annotations = local.annotations.co2 }
    temperature = { title = "Temperature °C across the fleet: the highest board and the mean", metric = "FleetTemperature", stats = ["Maximum", "Average"], annotations = local.annotations.temperature }
    smoke       = { title = "Smoke across the fleet: the highest board", metric = "FleetSmoke", stats = ["Maximum"], annotations = local.annotations.smoke }
    flame       = { title = "Readings with a flame, all boards", metric = "FleetFlameReadings", stats = ["Sum"], annotations = [] }
  }
  fleet_logs = concat(
    [
      for k in ["co2", "temperature", "smoke", "flame"] : {
        type   = "metric"
        width  = 6
        height = 6
        properties = merge({
          title   = local.fleet_metric[k].title
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = 300
          metrics = [for s in local.fleet_metric[k].stats : [local.ns, local.fleet_metric[k].metric, "service", local.service, { stat = s, label = lower(s) }]]
          yAxis   = { left = { min = 0, showUnits = false } }
        }, local.annotations_of[k])
      }
    ],
    [
      local.log_widget.last_seen, local.log_widget.above_thresholds,
      local.log_widget.board_co2, local.log_widget.board_temperature,
      local.log_widget.board_smoke, local.log_widget.board_humidity,
      local.log_widget.flame, local.log_widget.fleet_now,
    ],
  )

  # metrics mode: one line per board (the top N), thresholds drawn, then the
  # board chosen in the Board variable.
  board_metric = {
    co2         = { title = "CO2 ppm", annotations = local.annotations.co2 }
    temperature = { title = "Temperature °C", annotations = local.annotations.temperature }
    smoke       = { title = "Smoke (fraction of full scale)", annotations = local.annotations.smoke }
    flame       = { title = "Flame (1 = flame seen)", annotations = [] }
    humidity    = { title = "Relative humidity %", annotations = [] }
  }
  fleet_metrics = concat(
    [
      for k in ["co2", "temperature", "smoke", "flame", "humidity"] : {
        type   = "metric"
        width  = k == "humidity" ? 24 : 12
        height = 6
        properties = merge({
          title   = "${local.board_metric[k].title} per board (the ${var.fleet_top_n} highest)"
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = 300
          metrics = [[{
            expression = "SORT(${local.search[k]}, MAX, DESC, ${var.fleet_top_n})"
            id         = "boards"
            label      = ""
            period     = 300
          }]]
          yAxis  = { left = { min = 0, showUnits = false } }
          legend = { position = "right" }
        }, local.annotations_of[k])
      }
    ],
    [
      for k in ["co2", "temperature", "smoke", "flame"] : {
        type   = "metric"
        width  = 6
        height = 6
        properties = merge({
          title   = "Board ${local.board_placeholder}: ${local.board_metric[k].title}"
          region  = local.region
          view    = "timeSeries"
          stacked = false
          period  = 60
          metrics = [
            for s in(k == "flame" ? ["Maximum"] : ["Maximum", "Average"]) :
            [local.ns, local.contract.deviceSeries.metrics[k], "service", local.service, "deviceId", local.board_placeholder, { stat = s, label = lower(s) }]
          ]
          yAxis = { left = { min = 0, showUnits = false } }
        }, local.annotations_of[k])
      }
    ],
    [for w in [local.log_widget.last_seen] : w if local.reading_log_group != null],
  )

  fleet_off = [
    {
      type   = "text"
      width  = 24
      height = 2
      properties = {
        markdown = "Per-board series are **off** (`device_series = \"off\"`): nothing per board is sent to CloudWatch. Set `device_series` to `logs` (cheap) or `metrics` and apply to see each board here."
      }
    },
  ]

  # (Widget lists of different shapes are chosen by indexing an object: a
  # conditional expression needs both results of one type.)
  fleet_series = {
    logs    = { yes = local.fleet_logs, no = local.no_reading_logs }[local.reading_log_group == null ? "no" : "yes"]
    metrics = local.fleet_metrics
    off     = local.fleet_off
  }
  no_reading_logs = [
    {
      type   = "text"
      width  = 24
      height = 2
      properties = {
        markdown = "No log group holds the reading lines yet (vpc mode before the server variant provides `server_log_group_name`)."
      }
    },
  ]

  fleet_variables = {
    logs = [{
      type         = "pattern"
      pattern      = local.board_placeholder
      inputType    = "input"
      id           = "board"
      label        = "Board"
      defaultValue = local.board_placeholder
      visible      = true
    }]
    metrics = [{
      type         = "property"
      property     = "deviceId"
      inputType    = "select"
      id           = "board"
      label        = "Board"
      search       = "{${local.ns},${join(",", local.contract.deviceSeries.dimensions)}} MetricName=\"${local.contract.deviceSeries.metrics.co2}\" ${local.svc_filter}"
      populateFrom = "deviceId"
      defaultValue = "__FIRST"
      visible      = true
    }]
    off = []
  }

  fleet_body = {
    start          = var.dashboard_range
    periodOverride = "inherit"
    widgets        = concat(local.fleet_common, local.fleet_series[var.device_series])
    variables      = local.fleet_variables[var.device_series]
  }
}

resource "aws_cloudwatch_dashboard" "fleet" {
  dashboard_name = local.dashboard_names.fleet
  dashboard_body = jsonencode(local.fleet_body)
}

# ---------------------------------------------------------------------------
# Platform dashboard.
# ---------------------------------------------------------------------------

locals {
  functions = { for role, fn in var.function_names : role => fn }
  tables    = var.table_names

  api_5xx_expression = "IF(requests >= ${var.alarm_thresholds.api_min_requests}, 100 * FILL(errors5xx, 0) / requests, 0)"

  # The API's three graphs, from API Gateway (serverless) or from the server's
  # request lines (vpc); a note when neither exists.
  api_source = local.has_http_api ? {
    ns      = "AWS/ApiGateway"
    dims    = ["ApiId", var.http_api.id, "Stage", var.http_api.stage]
    count   = "Count"
    e4xx    = "4xx"
    e5xx    = "5xx"
    latency = "Latency"
    } : {
    ns      = local.ns
    dims    = ["service", local.service]
    count   = "HttpRequests"
    e4xx    = "Http4xx"
    e5xx    = "Http5xx"
    latency = "HttpLatency"
  }
  api_widgets = { yes = local.api_graphs, no = local.no_api }[local.has_api ? "yes" : "no"]
  api_graphs = [
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "API requests and errors"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 60
        stat    = "Sum"
        metrics = [
          concat([local.api_source.ns, local.api_source.count], local.api_source.dims, [{ label = "requests" }]),
          concat([local.api_source.ns, local.api_source.e4xx], local.api_source.dims, [{ label = "4xx" }]),
          concat([local.api_source.ns, local.api_source.e5xx], local.api_source.dims, [{ label = "5xx", color = "#d62728" }]),
        ]
        yAxis = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "API latency (ms): p50, p95, p99"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 60
        metrics = [
          for p in ["p50", "p95", "p99"] :
          concat([local.api_source.ns, local.api_source.latency], local.api_source.dims, [{ stat = p, label = p }])
        ]
        yAxis = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "API 5xx rate (% of requests; judged from ${var.alarm_thresholds.api_min_requests} requests in 5 min)"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        metrics = [
          concat([local.api_source.ns, local.api_source.count], local.api_source.dims, [{ id = "requests", stat = "Sum", visible = false }]),
          concat([local.api_source.ns, local.api_source.e5xx], local.api_source.dims, [{ id = "errors5xx", stat = "Sum", visible = false }]),
          [{ expression = local.api_5xx_expression, id = "rate", label = "5xx %" }],
        ]
        annotations = { horizontal = [{ label = "alarm (${var.alarm_thresholds.api_5xx_percent} %)", value = var.alarm_thresholds.api_5xx_percent, color = "#d62728" }] }
        yAxis       = { left = { min = 0, showUnits = false } }
      }
    },
  ]
  no_api = [
    {
      type   = "text"
      width  = 24
      height = 2
      properties = {
        markdown = "No HTTP API in this stack yet (vpc mode before the server variant provides its log group): API graphs appear once it does."
      }
    },
  ]

  # vpc mode: the servers behind their internal Application Load Balancer.
  lb_dims = local.has_lb ? ["TargetGroup", var.load_balancer.target_group_arn_suffix, "LoadBalancer", var.load_balancer.arn_suffix] : []
  lb_widgets = [
    for k in(local.has_lb ? ["hosts", "targets"] : []) : {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title   = k == "hosts" ? "Servers: healthy and unhealthy instances" : "Servers: response time (s, p95) and 5xx answers"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 60
        metrics = k == "hosts" ? [
          concat(["AWS/ApplicationELB", "HealthyHostCount"], local.lb_dims, [{ stat = "Minimum", label = "healthy (min)" }]),
          concat(["AWS/ApplicationELB", "UnHealthyHostCount"], local.lb_dims, [{ stat = "Maximum", label = "unhealthy (max)", color = "#d62728" }]),
          ] : [
          concat(["AWS/ApplicationELB", "TargetResponseTime"], local.lb_dims, [{ stat = "p95", label = "response time p95" }]),
          concat(["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"], local.lb_dims, [{ stat = "Sum", label = "target 5xx", yAxis = "right" }]),
        ]
        yAxis = { left = { min = 0, showUnits = false }, right = { min = 0, showUnits = false } }
      }
    }
  ]

  lambda_graph = {
    invocations = { title = "Lambda invocations", metric = "Invocations", stats = ["Sum"] }
    errors      = { title = "Lambda errors (unhandled)", metric = "Errors", stats = ["Sum"] }
    throttles   = { title = "Lambda throttles", metric = "Throttles", stats = ["Sum"] }
    duration    = { title = "Lambda duration (ms): p95 and maximum", metric = "Duration", stats = ["p95", "Maximum"] }
    concurrency = { title = "Lambda concurrent executions (maximum)", metric = "ConcurrentExecutions", stats = ["Maximum"] }
  }
  lambda_widgets = [
    for k in(length(local.functions) == 0 ? [] : ["invocations", "errors", "throttles", "duration", "concurrency"]) : {
      type   = "metric"
      width  = k == "duration" ? 12 : 6
      height = 6
      properties = {
        title   = local.lambda_graph[k].title
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 60
        # concat(...), not flatten(): flatten would also flatten each metric row.
        metrics = concat([
          for role in sort(keys(local.functions)) : [
            for s in local.lambda_graph[k].stats :
            ["AWS/Lambda", local.lambda_graph[k].metric, "FunctionName", local.functions[role], { stat = s, label = length(local.lambda_graph[k].stats) > 1 ? "${role} ${s}" : role }]
          ]
        ]...)
        yAxis = { left = { min = 0, showUnits = false } }
      }
    }
  ]

  dynamodb_graph = {
    read      = { title = "DynamoDB consumed read capacity units", metrics = ["ConsumedReadCapacityUnits"] }
    write     = { title = "DynamoDB consumed write capacity units", metrics = ["ConsumedWriteCapacityUnits"] }
    throttles = { title = "DynamoDB throttle events (read + write)", metrics = ["ReadThrottleEvents", "WriteThrottleEvents"] }
  }
  dynamodb_widgets = [
    for k in ["read", "write", "throttles"] : {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = local.dynamodb_graph[k].title
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 60
        stat    = "Sum"
        metrics = concat([
          for t in sort(keys(local.tables)) : [
            for m in local.dynamodb_graph[k].metrics :
            ["AWS/DynamoDB", m, "TableName", local.tables[t], { label = length(local.dynamodb_graph[k].metrics) > 1 ? "${t} ${m}" : t }]
          ]
        ]...)
        yAxis = { left = { min = 0, showUnits = false } }
      }
    }
  ]

  sns_widgets = [
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "Alerts topic: published, delivered, failed deliveries"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        stat    = "Sum"
        metrics = [
          ["AWS/SNS", "NumberOfMessagesPublished", "TopicName", var.alerts_topic_name, { label = "published" }],
          ["AWS/SNS", "NumberOfNotificationsDelivered", "TopicName", var.alerts_topic_name, { label = "delivered" }],
          ["AWS/SNS", "NumberOfNotificationsFailed", "TopicName", var.alerts_topic_name, { label = "failed", color = "#d62728" }],
        ]
        yAxis = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title       = "SMS spend this month (USD, whole account)"
        region      = local.region
        view        = "timeSeries"
        stacked     = false
        period      = 3600
        stat        = "Maximum"
        metrics     = [["AWS/SNS", "SMSMonthToDateSpentUSD", { label = "month to date" }]]
        annotations = { horizontal = [{ label = "alarm (${var.alarm_thresholds.sms_spend_usd} USD)", value = var.alarm_thresholds.sms_spend_usd, color = "#d62728" }] }
        yAxis       = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "SMS success rate (whole account)"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 3600
        stat    = "Average"
        metrics = [["AWS/SNS", "SMSSuccessRate", { label = "success rate" }]]
        yAxis   = { left = { min = 0, max = 1, showUnits = false } }
      }
    },
  ]

  app = local.app_metric
  app_widgets = [
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "Readings: accepted, duplicates, rejected by reason"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        stat    = "Sum"
        metrics = [
          [local.ns, local.app.ReadingsAccepted, "service", local.service, { label = "accepted" }],
          [local.ns, local.app.ReadingsDuplicate, "service", local.service, { label = "duplicates" }],
          [{ expression = "SEARCH('{${local.ns},reason,service} MetricName=\"${local.app.ReadingsRejected}\" ${local.svc_filter}', 'Sum', 300)", id = "rejected", label = "rejected", period = 300 }],
        ]
        yAxis = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "Ingest lag (ms, reading ts to arrival) and batch size"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        metrics = [
          [local.ns, local.app.IngestLag, "service", local.service, { stat = "p50", label = "lag p50" }],
          [local.ns, local.app.IngestLag, "service", local.service, { stat = "p95", label = "lag p95" }],
          [local.ns, local.app.BatchSize, "service", local.service, { stat = "Average", label = "batch size (avg)", yAxis = "right" }],
        ]
        yAxis = { left = { min = 0, showUnits = false }, right = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "Notifications: published, failed, pending"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        metrics = [
          [local.ns, local.app.NotificationsPublished, "service", local.service, { stat = "Sum", label = "published" }],
          [local.ns, local.app.NotificationsFailed, "service", local.service, { stat = "Sum", label = "failed", color = "#d62728" }],
          [local.ns, local.app.PendingNotifications, "service", local.service, { stat = "Maximum", label = "pending (sweep)" }],
        ]
        yAxis = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "Alarm notification latency (ms): p50, p95, max"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        metrics = [
          [local.ns, local.app.NotificationLatency, "service", local.service, { stat = "p50", label = "p50" }],
          [local.ns, local.app.NotificationLatency, "service", local.service, { stat = "p95", label = "p95" }],
          [local.ns, local.app.NotificationLatency, "service", local.service, { stat = "Maximum", label = "max" }],
        ]
        annotations = { horizontal = [{ label = "alarm: p95 over 15 min above ${var.latency_alarm_seconds} s", value = var.latency_alarm_seconds * 1000, color = "#d62728" }] }
        yAxis       = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title       = "Oldest undelivered notification (s)"
        region      = local.region
        view        = "timeSeries"
        stacked     = false
        period      = 60
        stat        = "Maximum"
        metrics     = [[local.ns, local.app.OldestPendingNotificationAge, "service", local.service, { label = "oldest pending" }]]
        annotations = { horizontal = [{ label = "alarm (${var.alarm_thresholds.pending_notification_age_s} s)", value = var.alarm_thresholds.pending_notification_age_s, color = "#d62728" }] }
        yAxis       = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "Sweep runs (alarm when none for ${local.sweep_alarm_period} s)"
        region  = local.region
        view    = "timeSeries"
        stacked = false
        period  = local.sweep_alarm_period
        stat    = "Sum"
        metrics = [[local.ns, local.app.SweepRuns, "service", local.service, { label = "runs" }]]
        yAxis   = { left = { min = 0, showUnits = false } }
      }
    },
    {
      type   = "metric"
      width  = 8
      height = 6
      properties = {
        title   = "Cold starts by function"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 300
        metrics = [[{ expression = "SEARCH('{${local.ns},function_name,service} MetricName=\"${local.app.ColdStart}\" ${local.svc_filter}', 'Sum', 300)", id = "cold", label = "", period = 300 }]]
        yAxis   = { left = { min = 0, showUnits = false } }
      }
    },
  ]

  errors_widget = [for _ in(length(local.app_log_groups) == 0 ? [] : ["errors"]) : {
    type   = "log"
    width  = 24
    height = 6
    properties = {
      title  = "Latest errors and warnings of the platform"
      region = local.region
      view   = "table"
      query = join("", [
        join("", [for g in local.app_log_groups : "SOURCE '${g}' | "]),
        "filter level = \"ERROR\" or level = \"WARN\" or @message like /Task timed out|Runtime\\./",
        "\n| fields @timestamp, @log, level, message, deviceId",
        "\n| sort @timestamp desc",
        "\n| limit 50",
      ])
    }
  }]

  platform_body = {
    start          = var.dashboard_range
    periodOverride = "inherit"
    widgets = concat(
      [
        {
          type   = "text"
          width  = 24
          height = 2
          properties = {
            markdown = "# Platform of ${var.name}\nAlarms go to the SNS topic `${local.ops_topic_name}`. The fleet: [${local.dashboard_names.fleet}](#dashboards/dashboard/${local.dashboard_names.fleet}). What each alarm means and what to do: docs/observability.md."
          }
        },
        {
          type   = "alarm"
          width  = 24
          height = 3
          properties = {
            title  = "Operations alarms"
            alarms = local.alarm_arns
            sortBy = "stateUpdatedTimestamp"
          }
        },
      ],
      local.api_widgets,
      local.lb_widgets,
      local.lambda_widgets,
      local.dynamodb_widgets,
      local.sns_widgets,
      local.app_widgets,
      local.errors_widget,
    )
  }
}

resource "aws_cloudwatch_dashboard" "platform" {
  dashboard_name = local.dashboard_names.platform
  dashboard_body = jsonencode(local.platform_body)
}
