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

variable "readings_table_class" {
  description = "Table class of the readings table: STANDARD, or STANDARD_INFREQUENT_ACCESS (storage 60% cheaper, requests 25% dearer; docs/performance.md prices both). The devices and alerts tables stay STANDARD."
  type        = string
  default     = "STANDARD"
  nullable    = false
}

variable "provisioned_capacity" {
  description = <<-EOT
    null (the default) = on-demand tables, billed per request, no capacity to plan.
    Otherwise provisioned capacity for each table (and the alerts table's indexes), fixed:
    { readings = { read = 5, write = 20 }, devices = { read = 5, write = 5 }, alerts = { read = 2, write = 2 } }.
    Cheaper for flat sensor traffic, but a burst above it (every board uploading its backlog
    after an outage) is throttled until it drains: the boards keep their queue and retry, so
    nothing is lost, but alerts from that backlog come later. Sizing: docs/performance.md.
  EOT
  type = map(object({
    read  = number
    write = number
  }))
  default = null
}
