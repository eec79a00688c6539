# Bad variable values are rejected before anything is planned.

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

variables {
  ops_emails      = ["oncall@example.org"]
  name            = "fcbad"
  lambda_dist_dir = "tests/fixtures/lambda"
  server_dist_dir = "tests/fixtures/server"
  server_ami_id   = "ami-0123456789abcdef0" # vpc runs: no image lookup
}

# One run per kind of mistake would cost a plan each; a run that lists
# several expected failures fails as soon as one of them is not rejected,
# naming it, so they are grouped.

run "bad_values_are_rejected" {
  command = plan

  variables {
    mode                   = "eks"                                  # neither serverless nor vpc
    name                   = "Fire_CO2"                             # uppercase and underscore
    alert_emails           = ["ops@example.org", "ops.example.org"] # the second has no @
    alert_sms_numbers      = ["0612345678"]                         # not E.164
    sms_severities         = ["info"]                               # not a severity
    log_retention_days     = 7.5                                    # not a CloudWatch retention
    retention_days         = 0                                      # below 1 day
    thresholds             = { co2 = { clear = 1200 } }             # clears above the default warning (1000)
    notification_language  = "de"                                   # en or fr only
    sweep_schedule         = "rate(1 minutes)"                      # EventBridge wants rate(1 minute)
    table_kms_key_arn      = "alias/aws/dynamodb"                   # an alias, not a key ARN
    lambda_timeout_seconds = 60                                     # API Gateway gives up after 30 s
    vpc_cidr               = "10.40.0.0/8"                          # wider than a /16
  }

  expect_failures = [
    var.mode,
    var.name,
    var.alert_emails,
    var.alert_sms_numbers,
    var.sms_severities,
    var.log_retention_days,
    var.retention_days,
    var.thresholds,
    var.notification_language,
    var.sweep_schedule,
    var.table_kms_key_arn,
    var.lambda_timeout_seconds,
    var.vpc_cidr,
  ]
}

run "bad_settings_and_contacts_are_rejected" {
  command = plan

  variables {
    thresholds_preset       = "us-osha"                    # default or fr-erp only
    upload_interval_seconds = 5                            # below 10 s
    escalate_after_minutes  = -1                           # negative
    occupied_hours          = "weekdays 8-18"              # not "Mon-Fri 08:00-18:00"
    timezone                = "Paris"                      # not an IANA zone name
    emergency_number        = "call 112"                   # digits only
    escalation_emails       = ["chef@example.org", "oops"] # the second is no address
    escalation_sms_numbers  = ["0612345678"]               # not E.164
    ops_sms_numbers         = ["+33 6 12 34 56 78"]        # spaces
    latency_alarm_seconds   = 0                            # at least 1 s
    readings_table_class    = "IA"                         # STANDARD or STANDARD_INFREQUENT_ACCESS
    lambda_system_log_level = "ERROR"                      # DEBUG, INFO or WARN
    dynamodb_provisioned_capacity = {
      readings = { read = 0, write = 10 } # at least 1 unit, and all three tables
    }
  }

  expect_failures = [
    var.thresholds_preset,
    var.upload_interval_seconds,
    var.escalate_after_minutes,
    var.occupied_hours,
    var.timezone,
    var.emergency_number,
    var.escalation_emails,
    var.escalation_sms_numbers,
    var.ops_sms_numbers,
    var.latency_alarm_seconds,
    var.readings_table_class,
    var.lambda_system_log_level,
    var.dynamodb_provisioned_capacity,
  ]
}

# Without an operations contact the platform's own alarms (SMS spend near
# the limit, sweep not running, notifications failing or late) reach nobody.
run "ops_contacts_are_required" {
  command = plan

  variables {
    ops_emails      = []
    ops_sms_numbers = []
  }

  expect_failures = [var.ops_emails]
}

run "escalation_lists_do_not_overlap_the_alert_lists" {
  command = plan

  variables {
    ops_emails             = []
    ops_sms_numbers        = ["+33612345678"] # SMS alone is an operations contact
    alert_emails           = ["safety@example.org"]
    escalation_emails      = ["safety@example.org"] # already subscribed to every alert
    alert_sms_numbers      = ["+33611111111"]
    escalation_sms_numbers = ["+33611111111"]
  }

  expect_failures = [var.escalation_emails, var.escalation_sms_numbers]
}

run "bad_subnets_are_rejected" {
  command = plan

  variables {
    mode               = "vpc"
    availability_zones = ["eu-west-3a", "eu-west-3b"]
    # 10.40.8.0/24 lies inside the public 10.40.0.0/20; 10.40.129.1/24 has host bits set.
    subnet_cidrs = { public = ["10.40.0.0/20", "10.40.16.0/20"], private = ["10.40.8.0/24", "10.40.129.1/24"] }
    name         = "a-very-long-stack-name-indeed" # longer than 20 characters
  }

  expect_failures = [var.subnet_cidrs, var.name]
}

run "overlap_alone_is_rejected" {
  command = plan

  variables {
    mode               = "vpc"
    availability_zones = ["eu-west-3a", "eu-west-3b"]
    subnet_cidrs       = { public = ["10.40.0.0/24", "10.40.1.0/24"], private = ["10.40.1.0/24", "10.40.2.0/24"] }
  }

  expect_failures = [var.subnet_cidrs]
}

run "edge_values_are_accepted" {
  command = plan

  variables {
    name               = "abc"
    log_retention_days = 3653
    retention_days     = 3650
    sweep_schedule     = "cron(0/5 * * * ? *)"
    thresholds         = { co2 = { warning = 1200, critical = 1200, clear = 1100 }, heat = { risePerMinute = 5 } }
    reminder_minutes   = 0
  }

  assert {
    condition     = output.app_environment.THRESHOLDS == jsonencode({ co2 = { clear = 1100, critical = 1200, warning = 1200 }, heat = { risePerMinute = 5 } })
    error_message = "Valid edge values must plan."
  }
}

# Each rule of read_token_parameter_name on its own (a variable fails as a whole).
run "read_token_parameter_name_must_be_a_name" {
  command = plan
  variables {
    enable_read_token         = true
    read_token_parameter_name = "read token"
  }
  expect_failures = [var.read_token_parameter_name]
}

run "read_token_parameter_must_not_be_the_admin_tokens" {
  command = plan
  variables {
    enable_read_token         = true
    read_token_parameter_name = "fcbad/admin-token" # the default admin token parameter, without its leading slash
  }
  expect_failures = [var.read_token_parameter_name]
}

run "read_token_parameter_name_needs_enable_read_token" {
  command = plan
  variables {
    read_token_parameter_name = "/fcbad/read-token"
  }
  expect_failures = [var.read_token_parameter_name]
}
