output "arn" {
  description = "ARN of the topic, built from its name so that it is known at plan time."
  value       = "arn:${var.aws.partition}:sns:${var.aws.region}:${var.aws.account_id}:${aws_sns_topic.this.name}"
}

output "name" {
  description = "Name of the topic."
  value       = aws_sns_topic.this.name
}

output "kms_key_arn" {
  description = "ARN of the topic's key (publishers need kms:GenerateDataKey and kms:Decrypt on it)."
  value       = aws_kms_key.this.arn
}
