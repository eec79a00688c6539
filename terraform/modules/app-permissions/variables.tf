# Inputs come from the root module's other modules (validated there).

variable "aws" {
  description = "Partition, region and account id of the stack."
  type = object({
    partition  = string
    region     = string
    account_id = string
  })
}

variable "table_arns" {
  description = "ARNs of the readings, devices and alerts tables."
  type = object({
    readings = string
    devices  = string
    alerts   = string
  })
}

variable "table_kms_key_arn" {
  description = "Customer-managed key of the tables, or null (AWS owned key: nothing to grant)."
  type        = string
  default     = null
}

variable "topic_arn" {
  description = "ARN of the alerts topic."
  type        = string
}

variable "topic_kms_key_arn" {
  description = "ARN of the alerts topic's key."
  type        = string
}

variable "admin_token_parameter_name" {
  description = "Name of the SSM SecureString holding the admin token."
  type        = string
}

variable "read_token_parameter_name" {
  description = "Name of the SSM SecureString holding the read tokens (same key as the admin token's), or null: no read token, no grant."
  type        = string
  default     = null
}

variable "admin_token_kms_key_arn" {
  description = "Key of the admin token parameter, or null (alias/aws/ssm)."
  type        = string
  default     = null
}

variable "front_door_secret_parameter_name" {
  description = "SSM SecureString (alias/aws/ssm) holding the front door's origin secret, which the HTTP code reads; null = no front door."
  type        = string
  default     = null
}
