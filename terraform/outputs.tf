# The fourth step of next_steps depends on the mode.
locals {
  next_step_api = local.serverless ? join("\n", [
    "Register a board:",
    "     API_URL=${coalesce(module.api.api_url, "<api_url>")}",
    "     ADMIN_TOKEN=\"$(aws ssm get-parameter --with-decryption --name '${local.admin_token_parameter_name}' --query Parameter.Value --output text)\"",
    "     curl -sS -X POST \"$API_URL/v1/devices\" -H \"Authorization: Bearer $ADMIN_TOKEN\" -H 'Content-Type: application/json' \\",
    "       -d '{\"deviceId\":\"bbb-room-101\",\"name\":\"Room 101\"}'",
    "   The answer's key is shown once: put it in the board's configuration.",
    ]) : join("\n", [
    "vpc mode: the server variant's HTTP API is not deployed yet (api_url is null); the tables,",
    "   the alerts topic, the network and the sweep function are.",
  ])
}

output "mode" {
  description = "The mode of this stack: serverless or vpc."
  value       = var.mode
}

output "api_url" {
  description = "Base URL of the HTTP API (no trailing slash). null in vpc mode until the server variant exists."
  value       = local.serverless ? module.api.api_url : module.server[0].api_url
}

output "table_names" {
  description = "DynamoDB table names: readings, devices, alerts."
  value       = module.storage.table_names
}

output "alerts_topic_arn" {
  description = "ARN of the SNS topic every alert transition is published to."
  value       = module.alerts.topic_arn
}

output "function_names" {
  description = "Lambda function names by role (api, ingest, sweep in serverless mode; sweep in vpc mode)."
  value       = module.api.function_names
}

output "log_group_names" {
  description = "CloudWatch log groups of the functions (and of the HTTP API access log, key `access`)."
  value       = module.api.log_group_names
}

output "admin_token_parameter_name" {
  description = "SSM SecureString parameter that must hold the admin token (created by you; Terraform never reads it)."
  value       = local.admin_token_parameter_name
}

output "network" {
  description = "The VPC, its subnets and NAT IPs (vpc mode), or null."
  value = local.vpc ? {
    vpc_id             = module.network[0].vpc_id
    public_subnet_ids  = module.network[0].public_subnet_ids
    private_subnet_ids = module.network[0].private_subnet_ids
    nat_public_ips     = module.network[0].nat_public_ips
  } : null
}

output "app_environment" {
  description = "The environment every function gets (the application's settings; no secrets: the admin token is only named)."
  value       = local.app_environment
}

output "next_steps" {
  description = "What to do after the first apply."
  value       = <<-EOT
    Next steps for stack "${var.name}" (${var.mode} mode, region ${local.aws.region}):

    1. The admin token is read from the SSM SecureString ${local.admin_token_parameter_name}.
       If it does not exist yet, create it (the functions answer 401 to admin calls until then):
         aws ssm put-parameter --type SecureString --name '${local.admin_token_parameter_name}' --value "$(openssl rand -hex 32)"
    2. Each of the ${length(var.alert_emails)} address(es) in alert_emails gets an "AWS Notification -
       Subscription Confirmation" e-mail: follow its link, or that address gets no alerts.
    3. SMS to ${length(var.alert_sms_numbers)} number(s) for severities ${join(", ", var.sms_severities)}: a new account is in
       the SMS sandbox (verify the numbers or request production access) with a 1 USD monthly spend limit.
    4. ${local.next_step_api}
    Details: docs/terraform.md
  EOT
}
