# Inputs are checked where they enter (the root module); these are internal.

variable "name" {
  description = "Topic name; the key's alias is alias/<name>."
  type        = string
}

variable "display_name" {
  description = "Display name of the topic (the sender name of its e-mails)."
  type        = string
}

variable "key_description" {
  description = "What the key encrypts (its description is \"<name>: <key_description>\")."
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

variable "kms_deletion_window_days" {
  description = "Waiting period (days) before the key is deleted after a destroy."
  type        = number
  default     = 30
}
