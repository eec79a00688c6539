# Root module, serverless mode, planned offline with the real provider:
# dummy credentials, no API calls, data sources overridden.

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

# The topic's key id is random; give it one at plan time so that the
# policies that name it are known.
override_resource {
  target          = module.alerts.module.topic.aws_kms_key.this
  override_during = plan
  values = {
    arn    = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

variables {
  ops_emails        = ["oncall@example.org"]
  name              = "fctest"
  mode              = "serverless"
  lambda_dist_dir   = "tests/fixtures/lambda"
  alert_emails      = ["ops@example.org"]
  alert_sms_numbers = ["+33612345678"]
}

run "serverless_defaults" {
  command = plan

  assert {
    condition     = length(module.network) == 0 && length(module.server) == 0 && output.network == null
    error_message = "serverless mode must not create the network or the server variant."
  }

  assert {
    condition     = jsonencode(module.api[0].function_names) == jsonencode({ api = "fctest-api", ingest = "fctest-ingest", sweep = "fctest-sweep", web = "fctest-web" })
    error_message = "serverless mode creates the api, ingest and sweep functions, named <name>-<role>."
  }

  assert {
    condition     = jsonencode(output.table_names) == jsonencode({ alerts = "fctest-alerts", devices = "fctest-devices", readings = "fctest-readings" })
    error_message = "Tables are <name>-readings, <name>-devices, <name>-alerts."
  }

  assert {
    condition     = jsonencode(output.log_group_names) == jsonencode({ access = "/aws/apigateway/fctest-http/access", api = "/aws/lambda/fctest-api", ingest = "/aws/lambda/fctest-ingest", sweep = "/aws/lambda/fctest-sweep", web = "/aws/lambda/fctest-web" })
    error_message = "Each function logs to /aws/lambda/<function>, the HTTP API to its access log group."
  }

  assert {
    condition     = output.admin_token_parameter_name == "/fctest/admin-token" && output.alerts_topic_arn == "arn:aws:sns:eu-west-3:123456789012:fctest-alerts"
    error_message = "Admin token parameter defaults to /<name>/admin-token; the topic is <name>-alerts."
  }

  assert {
    condition = jsonencode(output.app_environment) == jsonencode({
      ADMIN_TOKEN_PARAMETER        = "/fctest/admin-token"
      ALERTS_TABLE                 = "fctest-alerts"
      ALERTS_TOPIC_ARN             = "arn:aws:sns:eu-west-3:123456789012:fctest-alerts"
      DEVICES_TABLE                = "fctest-devices"
      DEVICE_SERIES                = "logs"
      EMERGENCY_NUMBER             = "112"
      ESCALATE_AFTER_MINUTES       = "10"
      NODE_OPTIONS                 = "--enable-source-maps"
      NOTIFICATION_LANGUAGE        = "en"
      OCCUPIED_HOURS               = "Mon-Fri 08:00-18:00"
      OFFLINE_AFTER_SECONDS        = "600"
      POWERTOOLS_LOG_LEVEL         = "INFO"
      POWERTOOLS_METRICS_NAMESPACE = "FireCO2"
      POWERTOOLS_SERVICE_NAME      = "fctest"
      PUBLIC_READ                  = "false"
      READINGS_TABLE               = "fctest-readings"
      REMINDER_MINUTES             = "30"
      RETENTION_DAYS               = "90"
      THRESHOLDS                   = "{}"
      THRESHOLDS_PRESET            = "default"
      TIMEZONE                     = "Europe/Paris"
      UPLOAD_INTERVAL_SECONDS      = "300"
    })
    error_message = "Unexpected default environment: ${jsonencode(output.app_environment)}"
  }

  # Statement id => sorted actions, for each function.
  assert {
    condition = jsonencode({ for s in jsondecode(module.api[0].policies.ingest).Statement : s.Sid => sort(flatten([s.Action])) }) == jsonencode({
      Alerts               = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      DevicesAndAlertState = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      ListAlerts           = ["dynamodb:Query"]
      Notify               = ["sns:Publish"]
      OwnLogs              = ["logs:CreateLogStream", "logs:PutLogEvents"]
      StoreReadings        = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
      TopicKey             = ["kms:Decrypt", "kms:GenerateDataKey"]
    })
    error_message = "ingest policy actions: ${module.api[0].policies.ingest}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.api[0].policies.ingest).Statement : s.Sid => sort(flatten([s.Resource])) }) == jsonencode({
      Alerts               = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts"]
      DevicesAndAlertState = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-devices"]
      ListAlerts           = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts/index/byDevice", "arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts/index/byStatus"]
      Notify               = ["arn:aws:sns:eu-west-3:123456789012:fctest-alerts"]
      OwnLogs              = ["arn:aws:logs:eu-west-3:123456789012:log-group:/aws/lambda/fctest-ingest:*"]
      StoreReadings        = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-readings"]
      TopicKey             = ["arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"]
    })
    error_message = "ingest policy resources: ${module.api[0].policies.ingest}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.api[0].policies.api).Statement : s.Sid => sort(flatten([s.Action])) }) == jsonencode({
      AlertItems           = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      DecryptAdminToken    = ["kms:Decrypt"]
      Devices              = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"]
      KeepReadingSummaries = ["dynamodb:UpdateItem"]
      ListAlerts           = ["dynamodb:Query"]
      OwnLogs              = ["logs:CreateLogStream", "logs:PutLogEvents"]
      ReadAdminToken       = ["ssm:GetParameter"]
      ReadReadings         = ["dynamodb:BatchGetItem", "dynamodb:Query"]
    })
    error_message = "api policy actions: ${module.api[0].policies.api}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.api[0].policies.api).Statement : s.Sid => sort(flatten([s.Resource])) }) == jsonencode({
      AlertItems           = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts"]
      DecryptAdminToken    = ["arn:aws:kms:eu-west-3:123456789012:key/*"]
      Devices              = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-devices"]
      KeepReadingSummaries = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-readings"]
      ListAlerts           = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts/index/byDevice", "arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts/index/byStatus"]
      OwnLogs              = ["arn:aws:logs:eu-west-3:123456789012:log-group:/aws/lambda/fctest-api:*"]
      ReadAdminToken       = ["arn:aws:ssm:eu-west-3:123456789012:parameter/fctest/admin-token"]
      ReadReadings         = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-readings"]
    })
    error_message = "api policy resources: ${module.api[0].policies.api}"
  }

  assert {
    # The aws/ssm key pattern is only usable through SSM, for this parameter.
    condition = jsonencode(one([for s in jsondecode(module.api[0].policies.api).Statement : s.Condition if s.Sid == "DecryptAdminToken"])) == jsonencode({
      StringEquals = {
        "kms:EncryptionContext:PARAMETER_ARN" = "arn:aws:ssm:eu-west-3:123456789012:parameter/fctest/admin-token"
        "kms:ViaService"                      = "ssm.eu-west-3.amazonaws.com"
      }
    })
    error_message = "DecryptAdminToken must be conditioned on kms:ViaService and the parameter's encryption context: ${module.api[0].policies.api}"
  }

  assert {
    # The api function may write a bucket item's summary and an hour's roll-up (summary, TTL; on its version): never a reading.
    condition = jsonencode(one([for s in jsondecode(module.api[0].policies.api).Statement : s.Condition if s.Sid == "KeepReadingSummaries"])) == jsonencode({
      "ForAllValues:StringEquals" = { "dynamodb:Attributes" = ["agg", "bucket", "deviceId", "expiresAt", "sizeEstimate", "v"] }
    })
    error_message = "KeepReadingSummaries must be limited to the summary attribute: ${module.api[0].policies.api}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.api[0].policies.sweep).Statement : s.Sid => sort(flatten([s.Action])) }) == jsonencode({
      AlertItems           = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
      DevicesAndAlertState = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"]
      ListAlerts           = ["dynamodb:Query"]
      Notify               = ["sns:Publish"]
      OwnLogs              = ["logs:CreateLogStream", "logs:PutLogEvents"]
      TopicKey             = ["kms:Decrypt", "kms:GenerateDataKey"]
    })
    error_message = "sweep policy actions: ${module.api[0].policies.sweep}"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.api[0].policies.sweep).Statement : s.Sid => sort(flatten([s.Resource])) }) == jsonencode({
      AlertItems           = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts"]
      DevicesAndAlertState = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-devices"]
      ListAlerts           = ["arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts/index/byDevice", "arn:aws:dynamodb:eu-west-3:123456789012:table/fctest-alerts/index/byStatus"]
      Notify               = ["arn:aws:sns:eu-west-3:123456789012:fctest-alerts"]
      OwnLogs              = ["arn:aws:logs:eu-west-3:123456789012:log-group:/aws/lambda/fctest-sweep:*"]
      TopicKey             = ["arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"]
    })
    error_message = "sweep policy resources: ${module.api[0].policies.sweep}"
  }

  assert {
    # No wildcard action anywhere; no "*" resource; the only wildcards in
    # resources are a function's own log streams and the aws/ssm key pattern.
    condition = alltrue(flatten([
      for fn, doc in module.api[0].policies : [
        for s in jsondecode(doc).Statement : concat(
          [for a in flatten([s.Action]) : !strcontains(a, "*")],
          [for r in flatten([s.Resource]) : r != "*" && (!strcontains(r, "*") || r == "arn:aws:logs:eu-west-3:123456789012:log-group:/aws/lambda/fctest-${fn}:*" || (fn == "api" && r == "arn:aws:kms:eu-west-3:123456789012:key/*"))],
          [s.Effect == "Allow"],
        )
      ]
    ]))
    error_message = "A policy has a wildcard action or a wildcard resource it should not have."
  }
}

run "read_token_enabled" {
  command = plan

  variables {
    enable_read_token = true
  }

  assert {
    condition     = output.app_environment.READ_TOKEN_PARAMETER == "/fctest/read-token" && output.read_token_parameter_name == "/fctest/read-token"
    error_message = "enable_read_token names /<name>/read-token to the app (READ_TOKEN_PARAMETER)."
  }

  assert {
    condition = jsonencode({ for s in jsondecode(module.api[0].policies.api).Statement : s.Sid => [sort(flatten([s.Action])), sort(flatten([s.Resource]))] if can(regex("Token$", s.Sid)) }) == jsonencode({
      DecryptAdminToken = [["kms:Decrypt"], ["arn:aws:kms:eu-west-3:123456789012:key/*"]]
      DecryptReadToken  = [["kms:Decrypt"], ["arn:aws:kms:eu-west-3:123456789012:key/*"]]
      ReadAdminToken    = [["ssm:GetParameter"], ["arn:aws:ssm:eu-west-3:123456789012:parameter/fctest/admin-token"]]
      ReadReadToken     = [["ssm:GetParameter"], ["arn:aws:ssm:eu-west-3:123456789012:parameter/fctest/read-token"]]
    })
    error_message = "api policy token statements: ${module.api[0].policies.api}"
  }

  assert {
    condition = jsonencode(one([for s in jsondecode(module.api[0].policies.api).Statement : s.Condition if s.Sid == "DecryptReadToken"])) == jsonencode({
      StringEquals = {
        "kms:EncryptionContext:PARAMETER_ARN" = "arn:aws:ssm:eu-west-3:123456789012:parameter/fctest/read-token"
        "kms:ViaService"                      = "ssm.eu-west-3.amazonaws.com"
      }
    })
    error_message = "DecryptReadToken must be conditioned on kms:ViaService and the read token parameter: ${module.api[0].policies.api}"
  }

  assert {
    condition     = alltrue([for fn in ["ingest", "sweep"] : !strcontains(module.api[0].policies[fn], "ssm:")])
    error_message = "ingest and sweep never read a token parameter."
  }
}

run "read_token_off_by_default" {
  command = plan

  assert {
    condition     = !contains(keys(output.app_environment), "READ_TOKEN_PARAMETER") && output.read_token_parameter_name == null && !strcontains(module.api[0].policies.api, "read-token")
    error_message = "Without enable_read_token the app is told of no read token and nothing is granted."
  }
}

run "settings_and_customer_managed_keys" {
  command = plan

  variables {
    thresholds                 = { co2 = { warning = 800, clear = 700 }, smoke = { critical = 0.5 }, offlineAfterSeconds = 300 }
    public_read                = true
    notification_language      = "fr"
    reminder_minutes           = 0
    retention_days             = 365
    log_level                  = "DEBUG"
    metrics_namespace          = "Site/Lyon"
    table_kms_key_arn          = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000001"
    admin_token_kms_key_arn    = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002"
    admin_token_parameter_name = "/site/lyon/admin-token"
    thresholds_preset          = "fr-erp"
    upload_interval_seconds    = 60
    escalate_after_minutes     = 2.5
    occupied_hours             = "Mon-Fri 07:30-17:00, Sat 09:00-12:00"
    timezone                   = "America/Montreal"
    emergency_number           = "911"
  }

  assert {
    condition = (
      output.app_environment.THRESHOLDS_PRESET == "fr-erp" &&
      output.app_environment.UPLOAD_INTERVAL_SECONDS == "60" &&
      output.app_environment.ESCALATE_AFTER_MINUTES == "2.5" &&
      output.app_environment.OCCUPIED_HOURS == "Mon-Fri 07:30-17:00, Sat 09:00-12:00" &&
      output.app_environment.TIMEZONE == "America/Montreal" &&
      output.app_environment.EMERGENCY_NUMBER == "911"
    )
    error_message = "The v1.1 settings did not reach the environment: ${jsonencode(output.app_environment)}"
  }

  assert {
    condition     = jsondecode(output.app_environment.THRESHOLDS) == { co2 = { warning = 800, clear = 700 }, smoke = { critical = 0.5 }, offlineAfterSeconds = 300 }
    error_message = "THRESHOLDS must be the given subset only, without nulls: ${output.app_environment.THRESHOLDS}"
  }

  assert {
    condition = (
      output.app_environment.OFFLINE_AFTER_SECONDS == "300" &&
      output.app_environment.PUBLIC_READ == "true" &&
      output.app_environment.NOTIFICATION_LANGUAGE == "fr" &&
      output.app_environment.REMINDER_MINUTES == "0" &&
      output.app_environment.RETENTION_DAYS == "365" &&
      output.app_environment.POWERTOOLS_LOG_LEVEL == "DEBUG" &&
      output.app_environment.POWERTOOLS_METRICS_NAMESPACE == "Site/Lyon"
    )
    error_message = "Settings did not reach the environment: ${jsonencode(output.app_environment)}"
  }

  assert {
    condition = alltrue([
      for fn in ["api", "ingest", "sweep"] : jsonencode(one([
        for s in jsondecode(module.api[0].policies[fn]).Statement : {
          actions   = sort(flatten([s.Action]))
          resources = flatten([s.Resource])
          condition = s.Condition
        } if s.Sid == "TablesKey"
        ])) == jsonencode({
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = ["arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000001"]
        condition = { StringEquals = { "kms:ViaService" = "dynamodb.eu-west-3.amazonaws.com" } }
      })
    ])
    error_message = "With a tables CMK, every function may use it through DynamoDB only."
  }

  assert {
    condition = jsonencode([for s in jsondecode(module.api[0].policies.api).Statement : flatten([s.Resource]) if contains(["ReadAdminToken", "DecryptAdminToken"], s.Sid)]) == jsonencode([
      ["arn:aws:ssm:eu-west-3:123456789012:parameter/site/lyon/admin-token"],
      ["arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002"],
    ])
    error_message = "The admin token statements must name the given parameter and key: ${module.api[0].policies.api}"
  }

  assert {
    condition     = output.app_environment.ADMIN_TOKEN_PARAMETER == "/site/lyon/admin-token"
    error_message = "ADMIN_TOKEN_PARAMETER must be the parameter name."
  }
}
