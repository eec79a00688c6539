# ---------------------------------------------------------------------------
# Application settings of contract v1.1 (parsed by src/app/settings.ts; each
# reaches the functions and the servers as the environment variable named in
# its description).
# ---------------------------------------------------------------------------

variable "thresholds_preset" {
  description = "THRESHOLDS_PRESET: the base of the thresholds before `thresholds` and each device's own: \"default\" (the contract's levels) or \"fr-erp\" (French public buildings' CO2 guidance)."
  type        = string
  default     = "default"

  validation {
    condition     = contains(["default", "fr-erp"], var.thresholds_preset)
    error_message = "thresholds_preset must be \"default\" or \"fr-erp\"."
  }
}

variable "upload_interval_seconds" {
  description = "UPLOAD_INTERVAL_SECONDS: seconds between two uploads of a board when nothing is wrong (the ingest answer's policy; boards upload at once on an alarm)."
  type        = number
  default     = 300

  validation {
    condition     = var.upload_interval_seconds >= 10 && var.upload_interval_seconds <= 3600 && floor(var.upload_interval_seconds) == var.upload_interval_seconds
    error_message = "upload_interval_seconds must be a whole number from 10 to 3600."
  }
}

variable "escalate_after_minutes" {
  description = "ESCALATE_AFTER_MINUTES: minutes a critical alert may stay unacknowledged before it is notified once more to the escalation contacts (decimals allowed; 0 = no escalation)."
  type        = number
  default     = 10

  validation {
    condition     = var.escalate_after_minutes >= 0 && var.escalate_after_minutes <= 1440
    error_message = "escalate_after_minutes must be from 0 (off) to 1440; decimals are allowed (0.5 = 30 s)."
  }
}

variable "occupied_hours" {
  description = "OCCUPIED_HOURS: when the rooms are occupied (CO2 reports count these hours only), e.g. \"Mon-Fri 08:00-18:00\" or \"Mon-Fri 08:00-18:00, Sat 09:00-12:00\", in `timezone`."
  type        = string
  default     = "Mon-Fri 08:00-18:00"

  validation {
    condition = can(regex(
      "^((Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))? ([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00))(, ?((Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))? ([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)))*$",
      var.occupied_hours
    ))
    error_message = "occupied_hours must be day ranges with hours, e.g. \"Mon-Fri 08:00-18:00\" or \"Mon-Fri 08:00-18:00, Sat 09:00-12:00\" (days Mon..Sun, 24-hour HH:MM)."
  }
}

variable "timezone" {
  description = "TIMEZONE: IANA time zone of the buildings (occupied hours, reports), e.g. Europe/Paris."
  type        = string
  default     = "Europe/Paris"

  validation {
    condition     = var.timezone == "UTC" || can(regex("^[A-Z][A-Za-z_-]+(/[A-Z0-9][A-Za-z0-9_+-]+){1,2}$", var.timezone))
    error_message = "timezone must be an IANA time zone name such as Europe/Paris, America/Montreal or UTC."
  }
}

variable "emergency_number" {
  description = "EMERGENCY_NUMBER: the number the notification texts tell people to call (112 in Europe, 18 for French firefighters, 911, 999...)."
  type        = string
  default     = "112"

  validation {
    condition     = can(regex("^[0-9]{2,6}$", var.emergency_number))
    error_message = "emergency_number must be 2 to 6 digits, such as 112, 18 or 911."
  }
}

# ---------------------------------------------------------------------------
# Who is told when nobody reacts, and when the platform itself breaks.
# ---------------------------------------------------------------------------

variable "escalation_emails" {
  description = "E-mail addresses that receive only escalations: a critical alert still unacknowledged after escalate_after_minutes (SNS filter audience = escalation). Not also in alert_emails (one topic subscription per address)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.escalation_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Each entry of escalation_emails must be an e-mail address such as name@example.org."
  }

  validation {
    condition     = length(setintersection(toset(var.escalation_emails), toset(var.alert_emails))) == 0
    error_message = "An address in both escalation_emails and alert_emails cannot be subscribed twice to the alerts topic: alert_emails already receive escalations, keep it in one list."
  }
}

variable "escalation_sms_numbers" {
  description = "Phone numbers in E.164 format that receive only escalations by SMS. Not also in alert_sms_numbers."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.escalation_sms_numbers : can(regex("^\\+[1-9][0-9]{6,14}$", p))])
    error_message = "Each entry of escalation_sms_numbers must be in E.164 format: +, country code and number, digits only (e.g. +33612345678)."
  }

  validation {
    condition     = length(setintersection(toset(var.escalation_sms_numbers), toset(var.alert_sms_numbers))) == 0
    error_message = "A number in both escalation_sms_numbers and alert_sms_numbers cannot be subscribed twice to the alerts topic: keep it in one list (alert_sms_numbers already receive critical escalations)."
  }
}

variable "ops_sms_numbers" {
  description = "Phone numbers in E.164 format told by SMS when the platform itself is in trouble (the operations topic)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.ops_sms_numbers : can(regex("^\\+[1-9][0-9]{6,14}$", p))])
    error_message = "Each entry of ops_sms_numbers must be in E.164 format: +, country code and number, digits only (e.g. +33612345678)."
  }
}

variable "latency_alarm_seconds" {
  description = "The operations alarm on alarm latency fires when the p95 of NotificationLatency over 15 minutes is above this many seconds."
  type        = number
  default     = 30

  validation {
    condition     = var.latency_alarm_seconds >= 1 && var.latency_alarm_seconds <= 3600
    error_message = "latency_alarm_seconds must be from 1 to 3600."
  }
}
