output "topic_arn" {
  description = "ARN of the alerts topic, built from its name so that it is known at plan time."
  value       = module.topic.arn
}

output "topic_name" {
  description = "Name of the alerts topic."
  value       = module.topic.name
}

output "kms_key_arn" {
  description = "ARN of the topic's customer-managed KMS key (publishers need kms:GenerateDataKey and kms:Decrypt on it)."
  value       = module.topic.kms_key_arn
}

output "email_subscription_count" {
  description = "Number of e-mail subscriptions for every alert (each pending until its owner confirms)."
  value       = length(aws_sns_topic_subscription.email)
}

output "sms_subscription_count" {
  description = "Number of SMS subscriptions for the sms_severities."
  value       = length(aws_sns_topic_subscription.sms)
}

output "escalation_subscription_count" {
  description = "Number of escalation-only subscriptions (e-mail and SMS)."
  value       = length(aws_sns_topic_subscription.escalation)
}
