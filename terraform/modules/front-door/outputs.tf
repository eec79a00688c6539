output "url" {
  description = "Base URL of the front door (https://<id>.cloudfront.net, no trailing slash): what boards and browsers use."
  value       = "https://${aws_cloudfront_distribution.this.domain_name}"
}

output "distribution_id" {
  description = "Id of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.id
}

output "web_acl_arn" {
  description = "ARN of the WAF web ACL (us-east-1, scope CLOUDFRONT)."
  value       = aws_wafv2_web_acl.this.arn
}

output "secret_parameter_arn" {
  description = "ARN of the SSM parameter holding the origin secret (its value is never an output)."
  value       = aws_ssm_parameter.origin_secret.arn
}

# For review (and the tests): what the distribution forwards to, and with.
# (The origin block holds the secret, so all of it is marked sensitive; the
# host and the header names are not secret.)
output "origin_domain_name" {
  description = "The host the distribution forwards every request to (the HTTP API's)."
  value       = nonsensitive(one(aws_cloudfront_distribution.this.origin).domain_name)
}

output "origin_header_names" {
  description = "Names of the headers CloudFront adds towards the origin (the secret's value is never an output)."
  value       = nonsensitive([for h in one(aws_cloudfront_distribution.this.origin).custom_header : h.name])
}

output "distribution_web_acl_id" {
  description = "The web ACL the distribution is associated with (equals web_acl_arn)."
  value       = aws_cloudfront_distribution.this.web_acl_id
}

output "rate_limits" {
  description = "Limit per source IP in 5 minutes, by rule."
  value       = { for r in aws_wafv2_web_acl.this.rule : r.name => r.statement[0].rate_based_statement[0].limit }
}
