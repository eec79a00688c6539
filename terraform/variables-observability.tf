# ---------------------------------------------------------------------------
# Observability (modules/observability, docs/observability.md)
# ---------------------------------------------------------------------------

variable "device_series" {
  description = "Per-board values in CloudWatch (DEVICE_SERIES): \"logs\" (one log line per reading, read by Logs Insights widgets; cents per board-month), \"metrics\" (five custom metrics per board, SEARCH widgets; 1.50 USD per board-month and more) or \"off\"."
  type        = string
  default     = "logs"

  validation {
    condition     = contains(["logs", "metrics", "off"], var.device_series)
    error_message = "device_series must be \"logs\", \"metrics\" or \"off\"."
  }
}

variable "ops_emails" {
  description = "E-mail addresses told when the platform itself is in trouble (the operations topic <name>-ops: SMS spend near the monthly limit, sweep not running, notifications failing or late). Required: ops_emails and ops_sms_numbers may not both be empty, or those alarms reach nobody. Each address confirms its subscription once."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.ops_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Each entry of ops_emails must be an e-mail address such as name@example.org."
  }

  validation {
    condition     = length(var.ops_emails) + length(var.ops_sms_numbers) > 0
    error_message = "Set ops_emails (or ops_sms_numbers): without them the platform's own alarms (SMS spend near the limit at which SNS stops sending SMS, sweep not running, notifications failing or late) reach nobody."
  }
}

variable "alarm_thresholds" {
  description = "Thresholds of the operations alarms; any subset of: lambda_errors (1 per 5 min), lambda_throttles (1), api_5xx_percent (5), api_min_requests (20), dynamodb_throttles (5), pending_notification_age_s (300), notifications_failed (1), alerts_delivery_failed (1), sms_spend_usd (0.8)."
  type = object({
    lambda_errors              = optional(number, 1)
    lambda_throttles           = optional(number, 1)
    api_5xx_percent            = optional(number, 5)
    api_min_requests           = optional(number, 20)
    dynamodb_throttles         = optional(number, 5)
    pending_notification_age_s = optional(number, 300)
    notifications_failed       = optional(number, 1)
    alerts_delivery_failed     = optional(number, 1)
    sms_spend_usd              = optional(number, 0.8)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, v in var.alarm_thresholds : v > 0]) && var.alarm_thresholds.api_5xx_percent <= 100
    error_message = "Every alarm threshold must be above 0, and api_5xx_percent at most 100."
  }
}

variable "sweep_alarm_period_seconds" {
  description = "Window in which at least one sweep must complete before the sweep-not-running alarm fires; null = twice the sweep_schedule interval, at least 5 minutes (1 hour for a cron schedule)."
  type        = number
  default     = null

  validation {
    condition     = var.sweep_alarm_period_seconds == null ? true : (var.sweep_alarm_period_seconds >= 60 && var.sweep_alarm_period_seconds <= 86400 && var.sweep_alarm_period_seconds % 60 == 0)
    error_message = "sweep_alarm_period_seconds must be a multiple of 60 from 60 to 86400."
  }
}

variable "dashboard_range" {
  description = "Default time range of the dashboards (-PT3H, -PT30M, -P1D...). Logs Insights widgets scan that much log on every refresh: keep it short for large fleets."
  type        = string
  default     = "-PT3H"

  validation {
    condition     = can(regex("^-P(T[0-9]+[HM]|[0-9]+D|[0-9]+W)$", var.dashboard_range))
    error_message = "dashboard_range must look like -PT3H, -PT30M, -P1D or -P1W."
  }
}

variable "fleet_top_n" {
  description = "device_series = \"metrics\": the per-board graphs show the N boards with the highest values (1 to 500)."
  type        = number
  default     = 50

  validation {
    condition     = var.fleet_top_n >= 1 && var.fleet_top_n <= 500 && floor(var.fleet_top_n) == var.fleet_top_n
    error_message = "fleet_top_n must be a whole number from 1 to 500."
  }
}
