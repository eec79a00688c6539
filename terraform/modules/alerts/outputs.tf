output "topic_arn" {
  description = "ARN of the alerts topic, built from its name so that it is known at plan time."
  value       = "arn:${var.aws.partition}:sns:${var.aws.region}:${var.aws.account_id}:${aws_sns_topic.alerts.name}"
}

output "topic_name" {
  description = "Name of the alerts topic."
  value       = aws_sns_topic.alerts.name
}

output "kms_key_arn" {
  description = "ARN of the topic's customer-managed KMS key (publishers need kms:GenerateDataKey and kms:Decrypt on it)."
  value       = aws_kms_key.alerts.arn
}

output "email_subscription_count" {
  description = "Number of e-mail subscriptions (each pending until its owner confirms)."
  value       = length(aws_sns_topic_subscription.email)
}

output "sms_subscription_count" {
  description = "Number of SMS subscriptions."
  value       = length(aws_sns_topic_subscription.sms)
}
