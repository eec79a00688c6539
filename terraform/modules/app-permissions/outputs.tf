output "statements" {
  description = "IAM statements (sid, actions, resources, conditions) of each function's work: api, ingest, sweep."
  value       = local.statements
}

output "union" {
  description = "The statements of api, ingest and sweep together (the servers do all three), merged where they name the same resources with the same conditions."
  value       = local.union
}
