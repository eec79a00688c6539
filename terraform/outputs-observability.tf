output "dashboard_urls" {
  description = "CloudWatch console URLs of the dashboards: fleet (the boards) and platform (the platform's health)."
  value       = module.observability.dashboard_urls
}

output "ops_topic_arn" {
  description = "ARN of the operations SNS topic (KMS-encrypted) that every platform alarm notifies; subscribe more endpoints to it as needed."
  value       = module.observability.ops_topic_arn
}
