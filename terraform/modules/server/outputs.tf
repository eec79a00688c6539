output "api_url" {
  description = "Base URL of the server variant's HTTPS API (the HTTP API's $default stage, no trailing slash)."
  value       = aws_apigatewayv2_api.http.api_endpoint
}

output "api_id" {
  description = "Id of the HTTP API."
  value       = aws_apigatewayv2_api.http.id
}

output "api_stage_name" {
  description = "Name of the HTTP API's stage ($default): the Stage dimension of its metrics."
  value       = aws_apigatewayv2_stage.default.name
}

output "log_group_name" {
  description = "Log group of the service's output (JSON log lines and EMF metric lines; streams <instance id>/server) and of the boot scripts (<instance id>/boot)."
  value       = aws_cloudwatch_log_group.server.name
}

output "access_log_group_name" {
  description = "Log group of the HTTP API's access log."
  value       = aws_cloudwatch_log_group.access.name
}

output "autoscaling_group_name" {
  description = "Name of the Auto Scaling group."
  value       = aws_autoscaling_group.this.name
}

output "load_balancer_arn_suffix" {
  description = "ARN suffix of the internal load balancer (the LoadBalancer dimension of its CloudWatch metrics)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (the TargetGroup dimension of its CloudWatch metrics)."
  value       = aws_lb_target_group.this.arn_suffix
}

output "bundle_s3_uri" {
  description = "Where the instances fetch the server bundle."
  value       = "s3://${local.bucket_name}/${local.bundle.bundle.key}"
}

output "bundle_sha256" {
  description = "SHA-256 of the bundle the instances of the current launch template run."
  value       = local.bundle_sha256.bundle
}

output "ami_id" {
  description = "Image of the instances (ami_id, or the current Amazon Linux 2023 arm64 image)."
  value       = local.ami_id
}

output "instance_role_name" {
  description = "IAM role of the instances."
  value       = aws_iam_role.instance.name
}

output "instance_policy" {
  description = "The instance role's inline policy (JSON), for review."
  value       = data.aws_iam_policy_document.instance.json
}

output "security_group_ids" {
  description = "Security groups: vpc_link, load_balancer, instances."
  value = {
    vpc_link      = aws_security_group.vpc_link.id
    load_balancer = aws_security_group.load_balancer.id
    instances     = aws_security_group.instances.id
  }
}

output "service_environment" {
  description = "The service's environment: the application settings it was given plus PORT, HOST, SWEEP_INTERVAL_SECONDS and AWS_REGION."
  value       = local.service_environment
}

output "systemd_unit" {
  description = "The systemd unit of the service, as the boot script writes it."
  value       = local.systemd_unit
}

output "environment_file" {
  description = "The service's environment file, as the boot script writes it."
  value       = local.environment_file
}

output "user_data" {
  description = "The boot script of the instances."
  value       = local.user_data
}

output "aws_services" {
  description = "Every AWS service the servers call, with the kind of VPC endpoint that reaches it without a NAT gateway (Gateway or Interface)."
  value       = local.aws_services
}

output "route_keys" {
  description = "Route keys of the server variant's HTTP API."
  value       = sort(keys(aws_apigatewayv2_route.this))
}

output "readings_throttling" {
  description = "Throttle budget of POST /v1/readings on the HTTP API's stage (burst, rate per second)."
  value = one([for r in aws_apigatewayv2_stage.default.route_settings : {
    burst = r.throttling_burst_limit
    rate  = r.throttling_rate_limit
  } if r.route_key == "POST /v1/readings"])
}
