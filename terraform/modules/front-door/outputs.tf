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

output "rules" {
  description = "The web ACL's rules by name, as planned: priority, per-IP limit and window, the request the scope-down statement matches (negated = every other request), and the answer over the limit."
  value = { for r in aws_wafv2_web_acl.this.rule : r.name => {
    priority = r.priority
    limit    = r.statement[0].rate_based_statement[0].limit
    key      = r.statement[0].rate_based_statement[0].aggregate_key_type
    window   = r.statement[0].rate_based_statement[0].evaluation_window_sec
    negated  = length(r.statement[0].rate_based_statement[0].scope_down_statement[0].not_statement) == 1
    matches = [for m in(
      length(r.statement[0].rate_based_statement[0].scope_down_statement[0].not_statement) == 1
      ? r.statement[0].rate_based_statement[0].scope_down_statement[0].not_statement[0].statement[0].and_statement[0].statement
      : r.statement[0].rate_based_statement[0].scope_down_statement[0].and_statement[0].statement
    ) : "${m.byte_match_statement[0].positional_constraint} ${m.byte_match_statement[0].search_string}"]
    status  = r.action[0].block[0].custom_response[0].response_code
    headers = { for h in r.action[0].block[0].custom_response[0].response_header : h.name => h.value }
  } }
}

output "behaviour" {
  description = "The distribution's one cache behaviour: viewer protocol, methods, cache and origin request policies."
  value = {
    viewer_protocol_policy   = aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy
    allowed_methods          = sort(aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods)
    cache_policy_id          = aws_cloudfront_distribution.this.default_cache_behavior[0].cache_policy_id
    origin_request_policy_id = aws_cloudfront_distribution.this.default_cache_behavior[0].origin_request_policy_id
    origin_protocol_policy   = nonsensitive(one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).origin_protocol_policy)
  }
}
