output "server" {
  description = "The server variant (vpc mode), or null: its log groups, Auto Scaling group, load balancer and target group (the dimensions of their CloudWatch metrics), bundle, image and role."
  value = local.vpc ? {
    log_group_name           = module.server[0].log_group_name
    access_log_group_name    = module.server[0].access_log_group_name
    autoscaling_group_name   = module.server[0].autoscaling_group_name
    load_balancer_arn_suffix = module.server[0].load_balancer_arn_suffix
    target_group_arn_suffix  = module.server[0].target_group_arn_suffix
    bundle_s3_uri            = module.server[0].bundle_s3_uri
    bundle_sha256            = module.server[0].bundle_sha256
    ami_id                   = module.server[0].ami_id
    instance_role_name       = module.server[0].instance_role_name
  } : null
}

output "server_log_group_name" {
  description = "Log group of the servers' output, JSON log lines and EMF metrics (vpc mode), or null: aws logs tail <name> --follow."
  value       = local.vpc ? module.server[0].log_group_name : null
}
