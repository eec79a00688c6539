# ---------------------------------------------------------------------------
# What exists in the stack (from the other modules). Everything the
# dashboards and alarms name comes from here, never from a hard-coded name.
# ---------------------------------------------------------------------------

variable "name" {
  description = "Stack name: prefix of the dashboards, alarms, topic and metric filters; also the `service` dimension of the application's metrics (POWERTOOLS_SERVICE_NAME)."
  type        = string
}

variable "aws" {
  description = "Partition, region and account id of the stack (ARNs and console URLs known at plan time)."
  type = object({
    partition  = string
    region     = string
    account_id = string
  })
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the application's metrics (POWERTOOLS_METRICS_NAMESPACE); the metric filters publish there too."
  type        = string
  default     = "FireCO2"
}

variable "device_series" {
  description = "How per-board values reach CloudWatch (the app's DEVICE_SERIES): logs (Logs Insights widgets), metrics (metric SEARCH widgets) or off."
  type        = string
  default     = "logs"
}

variable "thresholds" {
  description = "The deployment-wide thresholds exactly as the application gets them (the object encoded into THRESHOLDS: any subset); the contract's defaults fill the rest."
  type        = any
  default     = {}
}

variable "offline_after_seconds" {
  description = "OFFLINE_AFTER_SECONDS of the application (thresholds.offlineAfterSeconds wins when set)."
  type        = number
  default     = 600
}

variable "function_names" {
  description = "Lambda function names by role (api, ingest, sweep; only those that exist)."
  type        = map(string)
  default     = {}
}

variable "log_group_names" {
  description = "Log groups of the functions by role (and `access` for the HTTP API access log)."
  type        = map(string)
  default     = {}
}

variable "http_api" {
  description = "The API Gateway HTTP API ({ id, stage }) in serverless mode; null when there is none (vpc mode)."
  type = object({
    id    = string
    stage = string
  })
  default = null
}

variable "server_log_group_name" {
  description = "Log group of the server variant (vpc mode), where it writes the same JSON lines as the functions; null in serverless mode or until the server variant exists."
  type        = string
  default     = null
}

variable "load_balancer" {
  description = "The server variant's load balancer ({ arn_suffix, target_group_arn_suffix }: the dimensions of its metrics), or null (serverless mode)."
  type = object({
    arn_suffix              = string
    target_group_arn_suffix = string
  })
  default = null
}

variable "table_names" {
  description = "DynamoDB table names by logical name (readings, devices, alerts)."
  type        = map(string)
}

variable "alerts_topic_name" {
  description = "Name of the alerts SNS topic (its delivery failures are watched)."
  type        = string
}

variable "sweep_schedule" {
  description = "EventBridge schedule expression of the sweep; sets how long a silence of SweepRuns means the sweep is not running."
  type        = string
  default     = "rate(1 minute)"
}

# ---------------------------------------------------------------------------
# Operations topic.
# ---------------------------------------------------------------------------

variable "ops_emails" {
  description = "E-mail addresses subscribed to the operations topic (alarms about the platform itself); validated by the root module."
  type        = list(string)
  default     = []
}

variable "ops_sms_numbers" {
  description = "Phone numbers (E.164) subscribed by SMS to the operations topic; validated by the root module."
  type        = list(string)
  default     = []
}

variable "latency_alarm_seconds" {
  description = "The notification-latency alarm fires when the p95 of NotificationLatency over 15 minutes is above this many seconds."
  type        = number
  default     = 30
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the operations topic's KMS key is deleted after a destroy (7 to 30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number from 7 to 30."
  }
}

# ---------------------------------------------------------------------------
# Alarm thresholds.
# ---------------------------------------------------------------------------

variable "alarm_thresholds" {
  description = "Thresholds of the operations alarms; any subset (see the README for each)."
  type = object({
    lambda_errors              = optional(number, 1)   # unhandled errors of one function in 5 minutes
    lambda_throttles           = optional(number, 1)   # throttled invocations of one function in 5 minutes
    api_5xx_percent            = optional(number, 5)   # 5xx answers, percent of requests over 5 minutes
    api_min_requests           = optional(number, 20)  # below this many requests in 5 minutes the 5xx rate is not judged
    dynamodb_throttles         = optional(number, 5)   # read + write throttle events of one table in 5 minutes
    pending_notification_age_s = optional(number, 300) # age of the oldest undelivered notification, seconds
    notifications_failed       = optional(number, 1)   # failed publications in 5 minutes
    alerts_delivery_failed     = optional(number, 1)   # SNS deliveries (e-mail, SMS) that failed in 5 minutes
    sms_spend_usd              = optional(number, 0.8) # month-to-date SMS spend, USD (the account limit starts at 1 USD)
  })
  default  = {}
  nullable = false
}

variable "sweep_alarm_period_seconds" {
  description = "Window in which at least one sweep run must be seen; null = derived from sweep_schedule (twice the interval, at least 5 minutes; 1 hour for a cron schedule)."
  type        = number
  default     = null
}

# ---------------------------------------------------------------------------
# Dashboards.
# ---------------------------------------------------------------------------

variable "dashboard_range" {
  description = "Default time range of both dashboards (ISO 8601 duration back from now). Logs Insights widgets scan this much log: keep it short for big fleets."
  type        = string
  default     = "-PT3H"
}

variable "fleet_top_n" {
  description = "metrics mode: per-board graphs show the N boards with the highest values (SORT over SEARCH; a SEARCH returns at most 500 series)."
  type        = number
  default     = 50
}

variable "index_reading_fields" {
  description = "Create a field index (deviceId, message) on the log group that holds the reading lines, so that one-board Logs Insights queries scan only that board's events."
  type        = bool
  default     = true
}
