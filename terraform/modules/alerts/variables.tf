# Contact lists are validated where they enter (the root module's variables).

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
}

variable "sms_phone_numbers" {
  description = "Phone numbers (E.164) that receive SMS for the severities in sms_severities."
  type        = list(string)
  default     = []
}

variable "sms_severities" {
  description = "Alert severities (the `severity` message attribute) sent by SMS."
  type        = list(string)
  default     = ["critical"]
}

variable "escalation_email_addresses" {
  description = "E-mail addresses that receive only escalations (message attribute audience = escalation)."
  type        = list(string)
  default     = []
}

variable "escalation_sms_phone_numbers" {
  description = "Phone numbers (E.164) that receive only escalations by SMS."
  type        = list(string)
  default     = []
}

variable "kms_deletion_window_days" {
  description = "Waiting period (days) before the topic's KMS key is deleted after a destroy."
  type        = number
  default     = 30
}
