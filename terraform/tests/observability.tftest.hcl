# Observability in the root module, planned offline with the real provider:
# the dashboards' bodies are JSON whose widgets name what this stack creates
# (asserted against the other modules' outputs, not against copies of the
# names), every alarm reports to the operations topic, the per-board switch
# changes the kind of the fleet widgets, the thresholds drawn are the app's,
# and each mode plans the alarms that apply to it.

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

# The front door's web ACL (scope CLOUDFRONT) is planned in us-east-1.
provider "aws" {
  alias                       = "us_east_1"
  region                      = "us-east-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:user/test", user_id = "AIDATEST" }
}

override_data {
  target = data.aws_partition.current
  values = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
}

override_data {
  target = data.aws_region.current
  values = { name = "eu-west-3", endpoint = "ec2.eu-west-3.amazonaws.com", description = "Europe (Paris)" }
}

override_resource {
  target          = module.alerts.module.topic.aws_kms_key.this
  override_during = plan
  values = {
    arn    = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

# The HTTP API's id is random: give it one at plan time so that the platform
# dashboard (whose widgets name it) is known.
override_resource {
  target          = module.api[0].aws_apigatewayv2_api.http
  override_during = plan
  values = {
    id            = "a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
    execution_arn = "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5"
  }
}

variables {
  name              = "fcobs"
  mode              = "serverless"
  lambda_dist_dir   = "tests/fixtures/lambda"
  alert_emails      = ["ops@example.org"]
  alert_sms_numbers = ["+33612345678"]
  ops_emails        = ["oncall@example.org", "platform@example.fr"]
  thresholds        = { co2 = { warning = 800, clear = 700 }, smoke = { critical = 0.5 } }
}

run "serverless_logs" {
  command = plan

  # --- The switch reaches the application.
  assert {
    condition     = output.app_environment.DEVICE_SERIES == "logs" && module.api[0].function_names.ingest == "fcobs-ingest"
    error_message = "device_series must reach every function as DEVICE_SERIES (default logs)."
  }

  # --- Both bodies are JSON; the fleet widgets name this stack's log group, namespace and service.
  assert {
    condition = (
      can(jsondecode(module.observability.dashboard_bodies.fleet).widgets) &&
      can(jsondecode(module.observability.dashboard_bodies.platform).widgets)
    )
    error_message = "Both dashboard bodies must be JSON with a widgets array."
  }

  assert {
    # Every Logs Insights widget of the fleet reads the ingest function's log group, and only it.
    condition = alltrue([
      for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets :
      startswith(w.properties.query, "SOURCE '${module.api[0].log_group_names.ingest}' | ") && length(regexall("SOURCE '", w.properties.query)) == 1
      if w.type == "log"
    ]) && length([for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : w if w.type == "log"]) >= 6
    error_message = "logs mode: the fleet's Logs Insights widgets must read ${module.api[0].log_group_names.ingest}."
  }

  assert {
    # logs mode: per-board values come from log widgets on the reading lines; no per-board SEARCH.
    condition = (
      length([for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : w if w.type == "log" && strcontains(try(w.properties.query, ""), "message = \"reading\"") && strcontains(try(w.properties.query, ""), "deviceId")]) >= 6 &&
      !strcontains(module.observability.dashboard_bodies.fleet, "MetricName=\\\"CO2\\\"") &&
      jsondecode(module.observability.dashboard_bodies.fleet).variables[0].type == "pattern"
    )
    error_message = "logs mode: the fleet's per-board widgets must be Logs Insights widgets (and a Board pattern variable), not metric searches."
  }

  assert {
    # Every metric of the fleet dashboard is in this stack's namespace, for this stack's service.
    condition = alltrue(flatten([
      for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : [
        for m in try(w.properties.metrics, []) : (
          can(m[0].expression) ? strcontains(m[0].expression, "{${var.metrics_namespace},") && strcontains(m[0].expression, "service=\"${var.name}\"") :
          m[0] == var.metrics_namespace && m[2] == "service" && m[3] == output.app_environment.POWERTOOLS_SERVICE_NAME
        )
      ] if w.type == "metric"
    ]))
    error_message = "Fleet metric widgets must name the app's namespace (${var.metrics_namespace}) and service (${var.name})."
  }

  # --- The thresholds drawn are the ones the app gets (THRESHOLDS), with the contract's defaults for the rest.
  assert {
    condition = jsonencode([
      for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : sort([for a in w.properties.annotations.horizontal : tostring(a.value)])
      if w.type == "metric" && can(w.properties.annotations.horizontal) && length(try(w.properties.annotations.horizontal, [])) > 0
      ]) == jsonencode([
      sort([tostring(jsondecode(output.app_environment.THRESHOLDS).co2.warning), tostring(jsondecode(output.app_environment.THRESHOLDS).co2.clear), "5000"]),
      sort(["57", "50"]),
      sort([tostring(jsondecode(output.app_environment.THRESHOLDS).smoke.critical), "0.3"]),
    ])
    error_message = "The fleet graphs must draw THRESHOLDS (co2 800/700, smoke 0.5) and the defaults for the rest (co2 critical 5000, heat 57/50, smoke clear 0.3)."
  }

  assert {
    condition     = module.observability.thresholds.co2 == { warning = 800, critical = 5000, clear = 700 } && module.observability.thresholds.offlineAfterSeconds == 600
    error_message = "Effective thresholds: THRESHOLDS over the contract's defaults."
  }

  # --- The platform dashboard names this stack's functions, tables, topic and API.
  assert {
    condition = toset(flatten([
      for w in jsondecode(module.observability.dashboard_bodies.platform).widgets : [
        for m in try(w.properties.metrics, []) : m[3] if !can(m[0].expression) && m[0] == "AWS/Lambda"
      ] if w.type == "metric"
    ])) == toset(values(module.api[0].function_names))
    error_message = "Lambda widgets must show exactly the stack's functions: ${jsonencode(module.api[0].function_names)}."
  }

  assert {
    condition = toset(flatten([
      for w in jsondecode(module.observability.dashboard_bodies.platform).widgets : [
        for m in try(w.properties.metrics, []) : m[3] if !can(m[0].expression) && m[0] == "AWS/DynamoDB"
      ] if w.type == "metric"
    ])) == toset(values(output.table_names))
    error_message = "DynamoDB widgets must show exactly the stack's tables."
  }

  assert {
    condition = alltrue(flatten([
      for w in jsondecode(module.observability.dashboard_bodies.platform).widgets : [
        for m in try(w.properties.metrics, []) : (
          m[0] == "AWS/ApiGateway" ? try(m[2] == "ApiId" && m[3] == module.api[0].api_id && m[4] == "Stage" && m[5] == module.api[0].api_stage_name, false) :
          m[0] == "AWS/SNS" ? try(m[2] == "TopicName" ? m[3] == module.alerts.topic_name : length(m) == 3, false) : true
        ) if !can(m[0].expression)
      ] if w.type == "metric"
    ])) && strcontains(module.observability.dashboard_bodies.platform, "\"AWS/ApiGateway\"")
    error_message = "API widgets must name the stack's HTTP API and stage; SNS widgets the alerts topic."
  }

  assert {
    # The errors widget reads every function's log group.
    condition = alltrue([
      for g in values(module.api[0].log_group_names) : strcontains(module.observability.dashboard_bodies.platform, "SOURCE '${g}'") if !startswith(g, "/aws/apigateway/")
    ])
    error_message = "The platform's errors widget must read every function's log group."
  }

  # --- Alarms: the set of the mode, all on the operations topic, alarm and OK.
  assert {
    condition = toset(keys(module.observability.alarms)) == toset([
      "fcobs-lambda-errors-api", "fcobs-lambda-errors-ingest", "fcobs-lambda-errors-sweep", "fcobs-lambda-errors-web",
      "fcobs-lambda-throttles-api", "fcobs-lambda-throttles-ingest", "fcobs-lambda-throttles-sweep", "fcobs-lambda-throttles-web",
      "fcobs-dynamodb-throttles-readings", "fcobs-dynamodb-throttles-devices", "fcobs-dynamodb-throttles-alerts",
      "fcobs-api-5xx-rate", "fcobs-notifications-pending", "fcobs-notifications-failed",
      "fcobs-sweep-not-running", "fcobs-alerts-delivery-failed", "fcobs-sms-spend",
    ])
    error_message = "serverless mode alarms: ${jsonencode(keys(module.observability.alarms))}"
  }

  assert {
    condition = alltrue([
      for n, a in module.observability.alarms :
      a.alarm_actions == toset([output.ops_topic_arn]) && a.ok_actions == toset([output.ops_topic_arn])
    ]) && output.ops_topic_arn == "arn:aws:sns:eu-west-3:123456789012:fcobs-ops"
    error_message = "Every alarm must notify the operations topic when it fires and when it clears."
  }

  assert {
    condition = (
      module.observability.alarms["fcobs-sweep-not-running"].treat_missing_data == "breaching" &&
      alltrue([for n, a in module.observability.alarms : a.treat_missing_data == "notBreaching" if n != "fcobs-sweep-not-running"])
    )
    error_message = "Only the sweep heartbeat treats missing data as breaching."
  }

  assert {
    condition = (
      jsonencode([for q in module.observability.alarms["fcobs-api-5xx-rate"].metric_queries : q.metric[0].dimensions if length(q.metric) > 0]) == jsonencode([{ ApiId = module.api[0].api_id, Stage = module.api[0].api_stage_name }, { ApiId = module.api[0].api_id, Stage = module.api[0].api_stage_name }]) &&
      module.observability.alarms["fcobs-sweep-not-running"].metric_name == "SweepRuns" && module.observability.alarms["fcobs-sweep-not-running"].namespace == var.metrics_namespace &&
      module.observability.alarms["fcobs-sweep-not-running"].period == 300 &&
      jsonencode(module.observability.alarms["fcobs-lambda-errors-ingest"].dimensions) == jsonencode({ FunctionName = module.api[0].function_names.ingest }) &&
      jsonencode(module.observability.alarms["fcobs-alerts-delivery-failed"].dimensions) == jsonencode({ TopicName = module.alerts.topic_name })
    )
    error_message = "Alarms must watch this stack's API, functions, topic and heartbeat."
  }

  assert {
    condition = (
      output.dashboard_urls.fleet == "https://eu-west-3.console.aws.amazon.com/cloudwatch/home?region=eu-west-3#dashboards/dashboard/fcobs-fleet" &&
      output.dashboard_urls.platform == "https://eu-west-3.console.aws.amazon.com/cloudwatch/home?region=eu-west-3#dashboards/dashboard/fcobs-platform"
    )
    error_message = "dashboard_urls: ${jsonencode(output.dashboard_urls)}"
  }
}

# Alarm latency (contract v1.1): p50/p95/max on the platform dashboard, an
# operations alarm on the p95 over 15 minutes, and the operations contacts.
run "notification_latency_and_ops_contacts" {
  command = plan

  variables {
    latency_alarm_seconds = 45
    ops_sms_numbers       = ["+33612345678"]
  }

  assert {
    condition = (
      module.observability.alarm_names.notification_latency == "fcobs-notification-latency" &&
      length([for w in jsondecode(module.observability.dashboard_bodies.platform).widgets : w if try(
        length([for m in w.properties.metrics : m if try(m[1], "") == "NotificationLatency"]) == 3 &&
        jsonencode(sort([for m in w.properties.metrics : m[4].stat])) == jsonencode(["Maximum", "p50", "p95"]) &&
        w.properties.annotations.horizontal[0].value == 45000,
        false
      )]) == 1
    )
    error_message = "The platform dashboard must draw NotificationLatency as p50, p95 and max, with the alarm level (45 s)."
  }

  assert {
    condition = (
      module.observability.latency_alarm.extended_statistic == "p95" &&
      module.observability.latency_alarm.period == 900 &&
      module.observability.latency_alarm.threshold == 45000 &&
      module.observability.latency_alarm.comparison_operator == "GreaterThanThreshold" &&
      module.observability.latency_alarm.metric_name == "NotificationLatency" &&
      jsonencode(module.observability.latency_alarm.alarm_actions) == jsonencode([output.ops_topic_arn])
    )
    error_message = "The latency alarm fires to the operations topic when the p95 over 15 minutes is above latency_alarm_seconds: ${jsonencode(module.observability.latency_alarm)}"
  }

  assert {
    condition     = jsonencode(module.observability.ops_subscriptions) == jsonencode({ email = ["oncall@example.org", "platform@example.fr"], sms = ["+33612345678"] })
    error_message = "ops_emails and ops_sms_numbers are subscribed to the operations topic: ${jsonencode(module.observability.ops_subscriptions)}"
  }
}

run "serverless_metrics" {
  command = plan

  variables {
    device_series     = "metrics"
    metrics_namespace = "Site/Lyon"
  }

  assert {
    condition     = output.app_environment.DEVICE_SERIES == "metrics"
    error_message = "device_series = metrics must set DEVICE_SERIES=metrics."
  }

  assert {
    # metrics mode: per-board graphs are SEARCH expressions over the app's per-board metrics; no reading queries.
    condition = (
      length([
        for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : w
        if w.type == "metric" && strcontains(try(w.properties.metrics[0][0].expression, ""), "SEARCH('{Site/Lyon,service,deviceId} MetricName=\"CO2\" service=\"fcobs\"'")
      ]) == 1 &&
      length([for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : w if w.type == "log" && strcontains(try(w.properties.query, ""), "message = \"reading\"")]) == 0 &&
      jsondecode(module.observability.dashboard_bodies.fleet).variables[0].type == "property"
    )
    error_message = "metrics mode: per-board widgets must be metric SEARCH widgets (and a Board property variable)."
  }

  assert {
    condition = toset(flatten([
      for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : [
        for m in try(w.properties.metrics, []) : regex("MetricName=\"([A-Za-z0-9]+)\"", m[0].expression)[0] if strcontains(try(m[0].expression, ""), "deviceId")
      ] if w.type == "metric"
    ])) == toset(["CO2", "Temperature", "Smoke", "Flame", "Humidity"])
    error_message = "metrics mode: one per-board graph per series the app emits (CO2, Temperature, Humidity, Smoke, Flame)."
  }
}

run "serverless_off" {
  command = plan

  variables {
    device_series = "off"
  }

  assert {
    condition = (
      output.app_environment.DEVICE_SERIES == "off" &&
      length([for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : w if w.type == "log"]) == 0 &&
      !strcontains(module.observability.dashboard_bodies.fleet, "deviceId")
    )
    error_message = "off: no per-board widget at all."
  }
}

run "bad_values_are_rejected" {
  command = plan

  variables {
    device_series    = "prometheus"
    ops_emails       = ["oncall@example.org", "oncall.example.org"]
    alarm_thresholds = { api_5xx_percent = 150 }
    fleet_top_n      = 0
    dashboard_range  = "3 hours"
  }

  expect_failures = [
    var.device_series,
    var.ops_emails,
    var.alarm_thresholds,
    var.fleet_top_n,
    var.dashboard_range,
  ]
}

# vpc mode: the servers, behind an HTTP API and an internal load balancer,
# write the same lines as the functions to their own log group; no Lambda.
run "vpc_alarms_and_widgets" {
  command = plan

  variables {
    mode               = "vpc"
    server_dist_dir    = "tests/fixtures/server"
    server_ami_id      = "ami-0123456789abcdef0"
    availability_zones = ["eu-west-3a", "eu-west-3b"]
  }

  override_resource {
    target          = module.server[0].aws_apigatewayv2_api.http
    override_during = plan
    values = {
      id            = "v1p2c3d4e5"
      api_endpoint  = "https://v1p2c3d4e5.execute-api.eu-west-3.amazonaws.com"
      execution_arn = "arn:aws:execute-api:eu-west-3:123456789012:v1p2c3d4e5"
    }
  }

  override_resource {
    target          = module.server[0].aws_lb.this
    override_during = plan
    values = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:loadbalancer/app/fcobs-server/50dc6c495c0c9188"
      arn_suffix = "app/fcobs-server/50dc6c495c0c9188"
    }
  }

  override_resource {
    target          = module.server[0].aws_lb_target_group.this
    override_during = plan
    values = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/fcobs-server/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/fcobs-server/73e2d6bc24d8a067"
    }
  }

  assert {
    condition = toset(keys(module.observability.alarms)) == toset([
      "fcobs-dynamodb-throttles-readings", "fcobs-dynamodb-throttles-devices", "fcobs-dynamodb-throttles-alerts",
      "fcobs-api-5xx-rate", "fcobs-no-healthy-servers", "fcobs-notifications-pending", "fcobs-notifications-failed",
      "fcobs-sweep-not-running", "fcobs-alerts-delivery-failed", "fcobs-sms-spend",
    ])
    error_message = "vpc mode alarms (no Lambda; the servers' API and load balancer): ${jsonencode(keys(module.observability.alarms))}"
  }

  assert {
    condition     = alltrue([for n, a in module.observability.alarms : a.alarm_actions == toset([output.ops_topic_arn]) && a.ok_actions == toset([output.ops_topic_arn])])
    error_message = "Every alarm must notify the operations topic, alarm and OK."
  }

  assert {
    # The reading lines are in the servers' log group; every Logs Insights widget reads it.
    condition = (
      module.observability.reading_log_group_name == output.log_group_names.server &&
      alltrue([for w in jsondecode(module.observability.dashboard_bodies.fleet).widgets : startswith(w.properties.query, "SOURCE '${output.log_group_names.server}' | ") if w.type == "log"]) &&
      strcontains(module.observability.dashboard_bodies.platform, "SOURCE '${output.log_group_names.server}'")
    )
    error_message = "vpc mode: the fleet's and the platform's log widgets must read the servers' log group."
  }

  assert {
    condition = (
      !strcontains(module.observability.dashboard_bodies.platform, "\"AWS/Lambda\"") &&
      strcontains(module.observability.dashboard_bodies.platform, "\"ApiId\",\"v1p2c3d4e5\",\"Stage\",\"$default\"") &&
      strcontains(module.observability.dashboard_bodies.platform, "\"AWS/ApplicationELB\",\"HealthyHostCount\",\"TargetGroup\",\"targetgroup/fcobs-server/73e2d6bc24d8a067\",\"LoadBalancer\",\"app/fcobs-server/50dc6c495c0c9188\"")
    )
    error_message = "vpc mode platform dashboard: the servers' HTTP API and load balancer, no Lambda widget."
  }
}
