# Root module: the mode switch.
#
#   serverless: storage + alerts + api (HTTP API, api/ingest/sweep functions)
#   vpc:        storage + alerts + network + server (server.tf): the same HTTP
#               API served by instances, which also run the sweep; no Lambda.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  serverless = var.mode == "serverless"
  vpc        = var.mode == "vpc"

  aws = {
    partition  = data.aws_partition.current.partition
    region     = data.aws_region.current.name
    account_id = data.aws_caller_identity.current.account_id
  }

  default_tags = merge(var.tags, {
    Project = "fire-co2-monitor"
    Stack   = var.name
    Mode    = var.mode
  })

  admin_token_parameter_name = coalesce(var.admin_token_parameter_name, "/${var.name}/admin-token")
  lambda_dist_dir            = coalesce(var.lambda_dist_dir, "${path.root}/../dist/lambda")

  # thresholds without the attributes left null, so that `{}` (and any
  # subset) reaches the app exactly as the contract's thresholds object.
  thresholds = merge(
    var.thresholds.co2 == null ? {} : { co2 = { for k, v in var.thresholds.co2 : k => v if v != null } },
    var.thresholds.heat == null ? {} : { heat = { for k, v in var.thresholds.heat : k => v if v != null } },
    var.thresholds.smoke == null ? {} : { smoke = { for k, v in var.thresholds.smoke : k => v if v != null } },
    var.thresholds.offlineAfterSeconds == null ? {} : { offlineAfterSeconds = var.thresholds.offlineAfterSeconds },
  )

  # The settings of the application, in one place: every function and the
  # server variant's service (server.tf) get exactly this environment.
  app_environment = {
    READINGS_TABLE               = module.storage.table_names.readings
    DEVICES_TABLE                = module.storage.table_names.devices
    ALERTS_TABLE                 = module.storage.table_names.alerts
    ALERTS_TOPIC_ARN             = module.alerts.topic_arn
    ADMIN_TOKEN_PARAMETER        = local.admin_token_parameter_name
    THRESHOLDS                   = jsonencode(local.thresholds)
    RETENTION_DAYS               = tostring(var.retention_days)
    PUBLIC_READ                  = tostring(var.public_read)
    NOTIFICATION_LANGUAGE        = var.notification_language
    REMINDER_MINUTES             = tostring(var.reminder_minutes)
    DEVICE_SERIES                = var.device_series
    OFFLINE_AFTER_SECONDS        = tostring(coalesce(var.thresholds.offlineAfterSeconds, var.offline_after_seconds))
    THRESHOLDS_PRESET            = var.thresholds_preset
    UPLOAD_INTERVAL_SECONDS      = tostring(var.upload_interval_seconds)
    ESCALATE_AFTER_MINUTES       = tostring(var.escalate_after_minutes)
    OCCUPIED_HOURS               = var.occupied_hours
    TIMEZONE                     = var.timezone
    EMERGENCY_NUMBER             = var.emergency_number
    POWERTOOLS_SERVICE_NAME      = var.name
    POWERTOOLS_METRICS_NAMESPACE = var.metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
    NODE_OPTIONS                 = "--enable-source-maps"
  }
}

module "storage" {
  source = "./modules/storage"

  name                = var.name
  aws                 = local.aws
  kms_key_arn         = var.table_kms_key_arn
  deletion_protection = var.deletion_protection
}

module "alerts" {
  source = "./modules/alerts"

  name              = var.name
  aws               = local.aws
  email_addresses   = var.alert_emails
  sms_phone_numbers = var.alert_sms_numbers
  sms_severities    = var.sms_severities

  escalation_email_addresses   = var.escalation_emails
  escalation_sms_phone_numbers = var.escalation_sms_numbers
}

module "api" {
  source = "./modules/api"

  name            = var.name
  aws             = local.aws
  enable_http_api = local.serverless
  # In vpc mode the servers run the sweep on a timer: no Lambda at all.
  enable_sweep = local.serverless

  table_arns        = module.storage.table_arns
  table_kms_key_arn = module.storage.kms_key_arn
  topic_arn         = module.alerts.topic_arn
  topic_kms_key_arn = module.alerts.kms_key_arn

  admin_token_parameter_name = local.admin_token_parameter_name
  admin_token_kms_key_arn    = var.admin_token_kms_key_arn

  environment           = local.app_environment
  lambda_dist_dir       = local.lambda_dist_dir
  memory_size           = var.lambda_memory_size
  api_timeout_seconds   = var.lambda_timeout_seconds
  sweep_timeout_seconds = var.sweep_timeout_seconds
  reserved_concurrency  = var.lambda_reserved_concurrency
  log_retention_days    = var.log_retention_days

  throttling_burst_limit = var.api_throttling_burst_limit
  throttling_rate_limit  = var.api_throttling_rate_limit
  sweep_schedule         = var.sweep_schedule
}

module "network" {
  source = "./modules/network"
  count  = local.vpc ? 1 : 0

  name = var.name
  aws = merge(local.aws, {
    reverse_dns_prefix = data.aws_partition.current.reverse_dns_prefix
  })
  vpc_cidr           = var.vpc_cidr
  availability_zones = var.availability_zones
  az_count           = var.az_count
  subnet_newbits     = var.subnet_newbits
  subnet_cidrs       = var.subnet_cidrs
  nat_gateway_mode   = var.nat_gateway_mode
  # An interface endpoint for every service the servers call that has no
  # gateway endpoint, so the alert path needs no NAT gateway.
  interface_endpoint_services = sort([for s, kind in module.server[0].aws_services : s if kind == "Interface"])
  enable_flow_logs            = var.enable_flow_logs
  flow_log_retention_days     = var.log_retention_days
}

# module "server" (vpc mode): server.tf.
