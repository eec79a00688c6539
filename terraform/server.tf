# The server variant (mode = "vpc"): the same HTTP API, alerts and data as
# serverless mode, served by instances in the VPC's private subnets
# (modules/server, docs/server-variant.md). Root wiring only:
#
#   - the servers get the application's settings from the one place the
#     functions get them (local.app_environment, main.tf);
#   - the HTTP API in front of them has the routes (terraform/app-routes.json)
#     and access log format of the serverless one (locals of main.tf);
#   - they run the sweep themselves, so vpc mode has no Lambda function.

locals {
  server_dist_dir = coalesce(var.server_dist_dir, "${path.root}/../dist/server")
}

module "server" {
  source = "./modules/server"
  count  = local.vpc ? 1 : 0

  name = var.name
  aws  = local.aws
  network = {
    vpc_id                  = module.network[0].vpc_id
    private_subnet_ids      = module.network[0].private_subnet_ids
    dynamodb_prefix_list_id = module.network[0].dynamodb_prefix_list_id
  }

  environment            = local.app_environment
  bundle_dir             = local.server_dist_dir
  sweep_interval_seconds = var.server_sweep_interval_seconds

  table_arns                 = module.storage.table_arns
  table_kms_key_arn          = module.storage.kms_key_arn
  topic_arn                  = module.alerts.topic_arn
  topic_kms_key_arn          = module.alerts.kms_key_arn
  admin_token_parameter_name = local.admin_token_parameter_name
  admin_token_kms_key_arn    = var.admin_token_kms_key_arn
  read_token_parameter_name  = local.read_token_parameter_name

  front_door_secret_parameter_name = local.front_door_secret_parameter_name

  ami_id           = var.server_ami_id
  instance_type    = var.server_instance_type
  min_size         = var.server_min_size
  max_size         = var.server_max_size
  desired_capacity = var.server_desired_capacity
  cpu_target       = var.server_cpu_target

  route_keys             = sort(keys(local.routes))
  access_log_format      = local.access_log_format
  throttling_burst_limit = var.api_throttling_burst_limit
  throttling_rate_limit  = var.api_throttling_rate_limit

  readings_throttling_burst_limit = var.readings_throttling_burst_limit
  readings_throttling_rate_limit  = var.readings_throttling_rate_limit
  log_retention_days              = var.log_retention_days
}
