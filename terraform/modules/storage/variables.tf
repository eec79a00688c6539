variable "name" {
  description = "Stack name; the tables are <name>-readings, <name>-devices and <name>-alerts."
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

variable "kms_key_arn" {
  description = "Customer-managed KMS key for server-side encryption. null = the AWS owned key (DynamoDB's default, no KMS charges)."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Refuse to delete the tables (turn off only for throw-away test stacks)."
  type        = bool
  default     = true
}
