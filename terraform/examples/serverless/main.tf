# A runnable serverless deployment: this directory is a root of its own that
# calls the project's root module (terraform/) with the settings of a site.
#
#   cp -r terraform/examples/serverless terraform/examples/my-site   # then edit example.tfvars
#   cd terraform/examples/my-site && terraform init && terraform plan -var-file=example.tfvars
#
# (`make plan TFVARS=...` with a copy of ../serverless.tfvars does the same
# from the root.) Planned offline by terraform/tests/examples.test.ts.

variable "name" {
  description = "Stack name (see terraform/variables.tf)."
  type        = string
}

variable "region" {
  description = "AWS region of the stack."
  type        = string
}

variable "alert_emails" {
  description = "Who gets every alert by e-mail."
  type        = list(string)
}

variable "alert_sms_numbers" {
  description = "Who gets critical alerts by SMS (E.164)."
  type        = list(string)
  default     = []
}

variable "escalation_emails" {
  description = "Who is told only when a critical alert stays unacknowledged."
  type        = list(string)
  default     = []
}

variable "ops_emails" {
  description = "Who is told when the platform itself breaks (required)."
  type        = list(string)
}

variable "enable_front_door" {
  description = "CloudFront + AWS WAF per-IP rate limits in front of the API (about 7 USD a month plus 1.60 USD per million requests; docs/terraform.md)."
  type        = bool
  default     = false
}

module "fireco2" {
  source = "../.."

  mode   = "serverless"
  name   = var.name
  region = var.region

  alert_emails      = var.alert_emails
  alert_sms_numbers = var.alert_sms_numbers
  escalation_emails = var.escalation_emails
  ops_emails        = var.ops_emails
  enable_front_door = var.enable_front_door

  notification_language  = "en"
  thresholds_preset      = "default"
  escalate_after_minutes = 10
  emergency_number       = "112"

  # The zips `npm run build` writes, from this directory.
  lambda_dist_dir = "${path.root}/../../../dist/lambda"
}

output "api_url" {
  description = "Base URL the boards use (the front door's with enable_front_door)."
  value       = module.fireco2.api_url
}

output "next_steps" {
  description = "What to do after the first apply."
  value       = module.fireco2.next_steps
}
