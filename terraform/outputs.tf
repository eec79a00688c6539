# The fourth step of next_steps: register a board (both modes serve the same API).
locals {
  # The HTTP API's own URL; with the front door, what clients use is its URL.
  execute_api_url = local.serverless ? module.api[0].api_url : module.server[0].api_url
  api_url         = local.front_door ? module.front_door[0].url : local.execute_api_url

  next_step_api = join("\n", concat([
    "Register a board:",
    "     API_URL=${coalesce(local.api_url, "<api_url>")}",
    ], local.front_door ? [
    "   This is the front door (CloudFront, per-IP limits ${var.front_door_readings_rate_limit} uploads and ${var.front_door_rate_limit} other requests per 5 min):",
    "   boards and browsers must use it; the HTTP API's own URL answers 403 (the distribution takes ~5 min to deploy).",
    ] : [], local.vpc ? [
    "     curl -sS \"$API_URL/healthz\"   # vpc mode: 503 until a server is healthy, a few minutes after the first apply",
    ] : [], [
    "     ADMIN_TOKEN=\"$(aws ssm get-parameter --with-decryption --name '${local.admin_token_parameter_name}' --query Parameter.Value --output text)\"",
    "     curl -sS -X POST \"$API_URL/v1/devices\" -H \"Authorization: Bearer $ADMIN_TOKEN\" -H 'Content-Type: application/json' \\",
    "       -d '{\"deviceId\":\"bbb-room-101\",\"name\":\"Room 101\"}'",
    "   The answer's key is shown once: put it in the board's configuration.",
  ]))
}

output "mode" {
  description = "The mode of this stack: serverless or vpc."
  value       = var.mode
}

output "api_url" {
  description = "Base URL boards and browsers use (no trailing slash), in both modes: the front door's with enable_front_door (the HTTP API's own URL then refuses them), else the HTTP API's."
  value       = local.api_url
}

output "front_door_url" {
  description = "Base URL of the front door (CloudFront + AWS WAF per-IP limits), or null without enable_front_door."
  value       = local.front_door ? module.front_door[0].url : null
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
  description = "Lambda function names by role (api, ingest, sweep, web in serverless mode; none in vpc mode, where the servers do their work)."
  value       = local.serverless ? module.api[0].function_names : {}
}

output "log_group_names" {
  description = "CloudWatch log groups: of the functions (serverless mode) or of the servers (key `server`, vpc mode), and of the HTTP API access log (key `access`)."
  value = local.serverless ? module.api[0].log_group_names : {
    access = module.server[0].access_log_group_name
    server = module.server[0].log_group_name
  }
}

output "admin_token_parameter_name" {
  description = "SSM SecureString parameter that must hold the admin token (created by you; Terraform never reads it)."
  value       = local.admin_token_parameter_name
}

output "read_token_parameter_name" {
  description = "SSM SecureString parameter that must hold the read token(s) (enable_read_token), or null when read tokens are off."
  value       = local.read_token_parameter_name
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
       If it does not exist yet, create it (the API answers 401 to admin calls until then):
         aws ssm put-parameter --type SecureString --name '${local.admin_token_parameter_name}' --value "$(openssl rand -hex 32)"%{if local.read_token_parameter_name != null}
       Read tokens (wall screens: reads only) are read from ${local.read_token_parameter_name}, encrypted with the same key:
         aws ssm put-parameter --type SecureString --name '${local.read_token_parameter_name}'${var.admin_token_kms_key_arn == null ? "" : " --key-id '${var.admin_token_kms_key_arn}'"} --value "$(openssl rand -hex 32)"%{endif}
    2. Each of the ${length(var.alert_emails)} address(es) in alert_emails gets an "AWS Notification -
       Subscription Confirmation" e-mail: follow its link, or that address gets no alerts.
    3. SMS to ${length(var.alert_sms_numbers)} number(s) for severities ${join(", ", var.sms_severities)}: a new account is in
       the SMS sandbox (verify the numbers or request production access) with a 1 USD monthly spend limit.
    4. The platform's own alarms (SMS spend near the limit, sweep not running,
       notifications failing or late) go to the operations topic ${var.name}-ops:
       ${length(var.ops_emails)} address(es) in ops_emails must confirm their subscription e-mail too,
       and ${length(var.ops_sms_numbers)} number(s) in ops_sms_numbers get them by SMS.
    5. Escalations (a critical alert unacknowledged after ${var.escalate_after_minutes} min) also go to
       ${length(var.escalation_emails)} address(es) in escalation_emails and ${length(var.escalation_sms_numbers)} number(s) in escalation_sms_numbers${var.escalate_after_minutes == 0 ? " (off: escalate_after_minutes = 0)" : ""}.
    6. ${local.next_step_api}
    Details: docs/terraform.md
  EOT
}
