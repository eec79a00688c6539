# Observability: the fleet and platform dashboards, the operations alarms and
# their topic (modules/observability). Everything it watches comes from the
# other modules' outputs, so both modes plan with the widgets and alarms of
# what exists.

module "observability" {
  source = "./modules/observability"

  name              = var.name
  aws               = local.aws
  metrics_namespace = var.metrics_namespace
  device_series     = var.device_series

  # The same thresholds object the application gets (THRESHOLDS), so the
  # lines drawn on the dashboards are the levels the alerts use.
  thresholds            = local.thresholds
  offline_after_seconds = var.offline_after_seconds

  function_names  = local.serverless ? module.api[0].function_names : {}
  log_group_names = local.serverless ? module.api[0].log_group_names : {}
  # Both modes put an API Gateway HTTP API in front of the application (vpc
  # mode: modules/server, through a VPC link to an internal load balancer).
  # In vpc mode the servers write the same JSON and EMF lines as the
  # functions to their own log group. (No try() around these objects: try()
  # of a value unknown at plan time is unknown, and the alarms' count must be
  # known.)
  http_api = local.serverless ? { id = module.api[0].api_id, stage = module.api[0].api_stage_name } : {
    id    = module.server[0].api_id
    stage = "$default"
  }
  server_log_group_name = local.vpc ? try(module.server[0].server_log_group_name, module.server[0].log_group_name) : null
  load_balancer = local.vpc ? {
    arn_suffix              = module.server[0].load_balancer_arn_suffix
    target_group_arn_suffix = module.server[0].target_group_arn_suffix
  } : null

  table_names       = module.storage.table_names
  alerts_topic_name = module.alerts.topic_name
  sweep_schedule    = var.sweep_schedule

  ops_emails                 = var.ops_emails
  ops_sms_numbers            = var.ops_sms_numbers
  latency_alarm_seconds      = var.latency_alarm_seconds
  alarm_thresholds           = var.alarm_thresholds
  sweep_alarm_period_seconds = var.sweep_alarm_period_seconds
  dashboard_range            = var.dashboard_range
  fleet_top_n                = var.fleet_top_n
}
