variable "name" {
  description = "Stack name, prefix of every resource name."
  type        = string
}

variable "aws" {
  description = "Partition, region and account id of the stack, used to build ARNs that are known at plan time."
  type = object({
    partition  = string
    region     = string
    account_id = string
  })
}

variable "enable_http_api" {
  description = "Create the API Gateway HTTP API and the `api` and `ingest` functions (serverless mode)."
  type        = bool
  default     = true
}

variable "enable_sweep" {
  description = "Create the `sweep` function and its schedule. (The root instantiates this module in serverless mode only.)"
  type        = bool
  default     = true
}

variable "table_arns" {
  description = "Table ARNs by logical name: readings, devices, alerts (the functions get the names through `environment`)."
  type = object({
    readings = string
    devices  = string
    alerts   = string
  })
}

variable "table_kms_key_arn" {
  description = "Customer-managed KMS key of the tables, or null when they use the AWS owned key."
  type        = string
  default     = null
}

variable "topic_arn" {
  description = "ARN of the alerts SNS topic."
  type        = string
}

variable "topic_kms_key_arn" {
  description = "ARN of the alerts topic's customer-managed KMS key."
  type        = string
}

variable "admin_token_parameter_name" {
  description = "Name of the SSM SecureString parameter that holds the admin token (created out of band; only the name is known to Terraform)."
  type        = string
}

variable "read_token_parameter_name" {
  description = "Name of the SSM SecureString parameter that holds the read tokens (created out of band, encrypted with the admin token's key), or null: no read token."
  type        = string
  default     = null
}

variable "admin_token_kms_key_arn" {
  description = "KMS key that encrypts the admin token parameter; null = the account's AWS managed key alias/aws/ssm."
  type        = string
  default     = null
}

variable "front_door_secret_parameter_name" {
  description = "SSM SecureString (alias/aws/ssm) holding the front door's origin secret, which the HTTP code reads; null = no front door."
  type        = string
  default     = null
}

variable "environment" {
  description = "Environment variables of every function (built in one place by the root module)."
  type        = map(string)
}

variable "lambda_dist_dir" {
  description = "Directory holding api.zip, ingest.zip and sweep.zip (built by `npm run build`)."
  type        = string
}

variable "memory_size" {
  description = "Memory of each function, in MB."
  type        = number
  default     = 512
}

variable "system_log_level" {
  description = <<-EOT
    null (the default): Lambda's text log format, with its START, END and REPORT lines for every
    invocation. DEBUG, INFO or WARN: the JSON log format, Lambda's own (platform) lines kept from
    that level up (WARN drops START/END/REPORT, about 390 B an invocation; docs/performance.md).
    The application's lines are JSON either way and are kept from log_level up.
  EOT
  type        = string
  default     = null
}

variable "log_level" {
  description = "The functions' POWERTOOLS_LOG_LEVEL (TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL or SILENT). With system_log_level set, Lambda's application log level is set to match, so that Powertools does not lower it."
  type        = string
  default     = "INFO"
  nullable    = false
}

variable "api_timeout_seconds" {
  description = "Timeout of the `api` and `ingest` functions (API Gateway gives up after 30 s)."
  type        = number
  default     = 29
}

variable "sweep_timeout_seconds" {
  description = "Timeout of the `sweep` function."
  type        = number
  default     = 50
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per function (api, ingest, sweep, web); an absent or null entry means unreserved."
  type = object({
    api    = optional(number)
    ingest = optional(number)
    sweep  = optional(number)
    web    = optional(number)
  })
  default = null
}

variable "log_retention_days" {
  description = "Retention of the function and access log groups, in days."
  type        = number
  default     = 30
}

variable "throttling_burst_limit" {
  description = "Default route burst limit of the HTTP API stage (requests)."
  type        = number
  default     = 100
}

variable "throttling_rate_limit" {
  description = "Default route steady-state rate limit of the HTTP API stage (requests per second)."
  type        = number
  default     = 50
}

variable "sweep_schedule" {
  description = "EventBridge schedule expression of the `sweep` function."
  type        = string
  default     = "rate(1 minute)"
}

variable "readings_throttling_burst_limit" {
  description = "Burst limit (requests) of POST /v1/readings, apart from the other routes."
  type        = number
  default     = 200
}

variable "readings_throttling_rate_limit" {
  description = "Steady-state rate limit (requests per second) of POST /v1/readings, apart from the other routes."
  type        = number
  default     = 100
}

variable "routes" {
  description = "Route key (\"METHOD /path\" or $default) => function (api or ingest) of the HTTP API."
  type        = map(string)
}

variable "access_log_format" {
  description = "Format (JSON) of the HTTP API access log lines."
  type        = string
}
