variable "name" {
  description = "Stack name; the topic is <name>-alerts."
  type        = string
}

variable "aws" {
  description = "Partition, region and account id of the stack."
  type = object({
    partition  = string
    region     = string
    account_id = string
  })
}

variable "email_addresses" {
  description = "E-mail addresses subscribed to every alert (each must confirm the subscription from the e-mail AWS sends)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Each e-mail address must look like name@example.org."
  }
}

variable "sms_phone_numbers" {
  description = "Phone numbers in E.164 format (+33612345678) that receive SMS for the severities in sms_severities."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.sms_phone_numbers : can(regex("^\\+[1-9][0-9]{6,14}$", p))])
    error_message = "Each phone number must be in E.164 format: a plus sign, the country code and the number, digits only (e.g. +33612345678)."
  }
}

variable "sms_severities" {
  description = "Alert severities (the `severity` message attribute) sent by SMS."
  type        = list(string)
  default     = ["critical"]

  validation {
    condition     = length(var.sms_severities) > 0 && alltrue([for s in var.sms_severities : contains(["warning", "critical"], s)])
    error_message = "sms_severities must be a non-empty list of \"warning\" and/or \"critical\"."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the topic's KMS key is deleted after a destroy (7 to 30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number from 7 to 30."
  }
}
