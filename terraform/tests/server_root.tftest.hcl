# The server variant from the root module (mode = "vpc"), planned offline
# with the real provider: the same settings reach the servers as the
# functions, from the one app_environment; the HTTP API keeps the contract's
# routes; the instance role may do what the api, ingest and sweep functions
# may do together (checked action by action, with the real table, index,
# topic and parameter ARNs); the root variables refuse bad values.

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

variables {
  ops_emails         = ["oncall@example.org"]
  name               = "fcsrv"
  mode               = "vpc"
  server_dist_dir    = "tests/fixtures/server"
  server_ami_id      = "ami-0123456789abcdef0"
  availability_zones = ["eu-west-3a", "eu-west-3b"]
}

run "settings_routes_and_instance_policy" {
  command = plan

  variables {
    thresholds                    = { co2 = { warning = 800, clear = 700 }, offlineAfterSeconds = 300 }
    public_read                   = true
    notification_language         = "fr"
    retention_days                = 365
    reminder_minutes              = 0
    log_level                     = "DEBUG"
    admin_token_parameter_name    = "/site/lyon/admin-token"
    server_sweep_interval_seconds = 30
    thresholds_preset             = "fr-erp"
    upload_interval_seconds       = 120
    escalate_after_minutes        = 0
    occupied_hours                = "Mon-Sat 08:00-19:00"
    timezone                      = "Europe/Brussels"
    emergency_number              = "18"
  }

  assert {
    condition     = length(module.api) == 0 && length(module.server) == 1
    error_message = "vpc mode: the servers replace every Lambda function (the sweep included)."
  }

  assert {
    # The whole application environment, untouched, plus the server's own four.
    condition = module.server[0].service_environment == merge(output.app_environment, {
      PORT                   = "8080"
      HOST                   = "0.0.0.0"
      SWEEP_INTERVAL_SECONDS = "30"
      AWS_REGION             = "eu-west-3"
    })
    error_message = "The servers must get exactly app_environment plus PORT, HOST, SWEEP_INTERVAL_SECONDS, AWS_REGION: ${jsonencode(module.server[0].service_environment)}"
  }

  assert {
    condition = alltrue([for line in [
      "THRESHOLDS='{\"co2\":{\"clear\":700,\"warning\":800},\"offlineAfterSeconds\":300}'",
      "OFFLINE_AFTER_SECONDS='300'",
      "PUBLIC_READ='true'",
      "NOTIFICATION_LANGUAGE='fr'",
      "RETENTION_DAYS='365'",
      "REMINDER_MINUTES='0'",
      "ADMIN_TOKEN_PARAMETER='/site/lyon/admin-token'",
      "READINGS_TABLE='fcsrv-readings'",
      "ALERTS_TOPIC_ARN='arn:aws:sns:eu-west-3:123456789012:fcsrv-alerts'",
      "POWERTOOLS_LOG_LEVEL='DEBUG'",
      "THRESHOLDS_PRESET='fr-erp'",
      "UPLOAD_INTERVAL_SECONDS='120'",
      "ESCALATE_AFTER_MINUTES='0'",
      "OCCUPIED_HOURS='Mon-Sat 08:00-19:00'",
      "TIMEZONE='Europe/Brussels'",
      "EMERGENCY_NUMBER='18'",
    ] : contains(split("\n", module.server[0].environment_file), line)])
    error_message = "The settings must reach the servers' environment file:\n${module.server[0].environment_file}"
  }

  assert {
    condition = toset(module.server[0].route_keys) == toset([
      "GET /healthz", "ANY /", "ANY /assets/{proxy+}", "POST /v1/devices", "GET /v1/devices", "GET /v1/devices/{deviceId}",
      "PATCH /v1/devices/{deviceId}", "DELETE /v1/devices/{deviceId}", "POST /v1/devices/{deviceId}/keys",
      "GET /v1/devices/{deviceId}/readings", "GET /v1/alerts", "POST /v1/alerts/{alertId}/ack", "$default",
      "POST /v1/readings",
      "POST /v1/silences", "GET /v1/silences", "DELETE /v1/silences/{silenceId}",
      "GET /v1/devices/{deviceId}/aggregates", "GET /v1/reports/air-quality",
    ]) && length(module.api) == 0
    error_message = "The server variant's HTTP API gets the routes of app-routes.json (+ the dashboard's two, $default), not from the api module."
  }

  assert {
    condition     = jsonencode(module.server[0].readings_throttling) == jsonencode({ burst = 200, rate = 100 })
    error_message = "vpc mode: POST /v1/readings has its own throttle budget too."
  }

  assert {
    condition     = output.log_group_names.server == "/firemon/fcsrv/server" && output.log_group_names.access == "/aws/apigateway/fcsrv-http/vpc-access"
    error_message = "log_group_names names the servers' log group and the access log in vpc mode."
  }

  # Statement id => sorted actions: the union of what api, ingest and sweep
  # may do (modules/app-permissions, merged per resource set), plus the
  # server's own needs.
  assert {
    condition = jsonencode({ for s in jsondecode(module.server[0].instance_policy).Statement : s.Sid => sort(flatten([s.Action])) }) == jsonencode({
      AlertItems           = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      DecryptAdminToken    = ["kms:Decrypt"]
      Devices              = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"]
      FetchBundle          = ["s3:GetObject"]
      KeepReadingSummaries = ["dynamodb:UpdateItem"]
      ListAlerts           = ["dynamodb:Query"]
      Notify               = ["sns:Publish"]
      OwnLogs              = ["logs:CreateLogStream", "logs:PutLogEvents"]
      ReadAdminToken       = ["ssm:GetParameter"]
      ReadReadings         = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      SessionManager       = ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
      TopicKey             = ["kms:Decrypt", "kms:GenerateDataKey"]
    })
    error_message = "instance policy actions: ${module.server[0].instance_policy}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.server[0].instance_policy).Statement : s.Sid => sort(flatten([s.Resource])) }) == jsonencode({
      AlertItems           = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-alerts"]
      DecryptAdminToken    = ["arn:aws:kms:eu-west-3:123456789012:key/*"]
      Devices              = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-devices"]
      FetchBundle          = ["arn:aws:s3:::fcsrv-bundle-123456789012-eu-west-3/server/server.mjs", "arn:aws:s3:::fcsrv-bundle-123456789012-eu-west-3/server/server.mjs.map"]
      KeepReadingSummaries = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-readings"]
      ListAlerts           = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-alerts/index/byDevice", "arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-alerts/index/byStatus"]
      Notify               = ["arn:aws:sns:eu-west-3:123456789012:fcsrv-alerts"]
      OwnLogs              = ["arn:aws:logs:eu-west-3:123456789012:log-group:/firemon/fcsrv/server:*"]
      ReadAdminToken       = ["arn:aws:ssm:eu-west-3:123456789012:parameter/site/lyon/admin-token"]
      ReadReadings         = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fcsrv-readings"]
      SessionManager       = ["*"]
      TopicKey             = ["arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"]
    })
    error_message = "instance policy resources: ${module.server[0].instance_policy}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.server[0].instance_policy).Statement : s.Sid => s.Condition if can(s.Condition) }) == jsonencode({
      DecryptAdminToken    = { StringEquals = { "kms:EncryptionContext:PARAMETER_ARN" = "arn:aws:ssm:eu-west-3:123456789012:parameter/site/lyon/admin-token", "kms:ViaService" = "ssm.eu-west-3.amazonaws.com" } }
      KeepReadingSummaries = { "ForAllValues:StringEquals" = { "dynamodb:Attributes" = ["agg", "bucket", "deviceId", "expiresAt", "sizeEstimate", "v"] } }
      TopicKey             = { StringEquals = { "kms:ViaService" = "sns.eu-west-3.amazonaws.com" } }
    })
    error_message = "The keys are usable only through SSM (for the admin token alone) and SNS: ${module.server[0].instance_policy}"
  }

  assert {
    # No wildcard action; "*" as a resource only for Session Manager's
    # actions, which have no resource; no other wildcard but the log streams
    # of its own group and the aws/ssm key pattern (narrowed by its conditions).
    condition = alltrue(flatten([
      for s in jsondecode(module.server[0].instance_policy).Statement : concat(
        [s.Effect == "Allow"],
        [for a in flatten([s.Action]) : !strcontains(a, "*")],
        [for r in flatten([s.Resource]) : s.Sid == "SessionManager" ? r == "*" : (r != "*" && (!strcontains(r, "*") || contains(["OwnLogs", "DecryptAdminToken"], s.Sid)))],
      )
    ]))
    error_message = "The instance policy has a wildcard action or a wildcard resource it should not have."
  }
}

run "customer_managed_keys" {
  command = plan

  variables {
    table_kms_key_arn       = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000001"
    admin_token_kms_key_arn = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002"
  }

  assert {
    condition = jsonencode([for s in jsondecode(module.server[0].instance_policy).Statement : { a = sort(flatten([s.Action])), r = flatten([s.Resource]), c = s.Condition } if contains(["TablesKey", "DecryptAdminToken"], s.Sid)]) == jsonencode([
      { a = ["kms:Decrypt", "kms:GenerateDataKey"], r = ["arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000001"], c = { StringEquals = { "kms:ViaService" = "dynamodb.eu-west-3.amazonaws.com" } } },
      { a = ["kms:Decrypt"], r = ["arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002"], c = { StringEquals = { "kms:EncryptionContext:PARAMETER_ARN" = "arn:aws:ssm:eu-west-3:123456789012:parameter/fcsrv/admin-token", "kms:ViaService" = "ssm.eu-west-3.amazonaws.com" } } },
    ])
    error_message = "With customer-managed keys the instances may use them as the functions do, through DynamoDB and SSM only."
  }
}

run "read_token_on_the_servers" {
  command = plan

  variables {
    enable_read_token         = true
    read_token_parameter_name = "/site/lyon/read-token"
    admin_token_kms_key_arn   = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002"
  }

  assert {
    condition     = module.server[0].service_environment.READ_TOKEN_PARAMETER == "/site/lyon/read-token"
    error_message = "The servers are told the read token parameter."
  }

  assert {
    condition = jsonencode([for s in jsondecode(module.server[0].instance_policy).Statement : { sid = s.Sid, a = sort(flatten([s.Action])), r = flatten([s.Resource]), c = try(s.Condition, null) } if contains(["ReadReadToken", "DecryptReadToken"], s.Sid)]) == jsonencode([
      { sid = "DecryptReadToken", a = ["kms:Decrypt"], r = ["arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002"], c = { StringEquals = { "kms:EncryptionContext:PARAMETER_ARN" = "arn:aws:ssm:eu-west-3:123456789012:parameter/site/lyon/read-token", "kms:ViaService" = "ssm.eu-west-3.amazonaws.com" } } },
      { sid = "ReadReadToken", a = ["ssm:GetParameter"], r = ["arn:aws:ssm:eu-west-3:123456789012:parameter/site/lyon/read-token"], c = null },
    ])
    error_message = "The instances may read and decrypt the read token parameter alone, with the admin token's key, through SSM only: ${module.server[0].instance_policy}"
  }
}

run "bad_server_values_are_rejected" {
  command = plan

  variables {
    server_instance_type          = "t4g-small" # not an instance type
    server_min_size               = 5           # above server_max_size
    server_max_size               = 3
    server_desired_capacity       = 6   # outside min..max
    server_cpu_target             = 120 # not a percentage the policy can keep
    server_sweep_interval_seconds = 0
    server_ami_id                 = "al2023"
  }

  expect_failures = [
    var.server_instance_type,
    var.server_min_size,
    var.server_cpu_target,
    var.server_sweep_interval_seconds,
    var.server_ami_id,
  ]
}

# A variable that fails its own validation is not checked against the others:
# desired capacity gets a run of its own, with valid bounds.
run "desired_outside_min_max_is_rejected" {
  command = plan

  variables {
    server_min_size         = 2
    server_max_size         = 4
    server_desired_capacity = 6
  }

  expect_failures = [var.server_desired_capacity]
}
