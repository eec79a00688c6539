output "table_names" {
  description = "Physical table names by logical name (readings, devices, alerts)."
  value       = { for k, t in aws_dynamodb_table.this : k => t.name }
}

output "table_arns" {
  description = "Table ARNs by logical name, built from the names so that they (and the IAM policies using them) are known at plan time."
  value = {
    for k, t in aws_dynamodb_table.this :
    k => "arn:${var.aws.partition}:dynamodb:${var.aws.region}:${var.aws.account_id}:table/${t.name}"
  }
}

output "index_names" {
  description = "Secondary index names by logical table name (for IAM index ARNs: <table arn>/index/<name>)."
  value = {
    for k, t in local.tables :
    k => concat([for i in t.local_indexes : i.name], [for i in t.global_indexes : i.name])
  }
}

output "kms_key_arn" {
  description = "The customer-managed key of the tables, or null (AWS owned key)."
  value       = var.kms_key_arn
}
