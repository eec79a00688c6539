# modules/front-door on its own, planned offline with the real provider: the
# web ACL's rules (scope-down statements, 429 answer) and the distribution's
# origin and behaviour.

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

# The front door's web ACL (scope CLOUDFRONT) is planned in us-east-1.
provider "aws" {
  alias                       = "us_east_1"
  region                      = "us-east-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

run "rules_and_distribution" {
  command = plan

  module {
    source = "./modules/front-door"
  }

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  variables {
    name                  = "fcmod"
    api_url               = "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
    rate_limit            = 500
    readings_rate_limit   = 4000
    secret_parameter_name = "/fcmod/front-door-secret"
    secret_header_name    = "x-front-door-secret"
  }

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "CLOUDFRONT" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "The web ACL is a CloudFront one that lets through what no rule blocks."
  }

  assert {
    # Rule name => [priority, limit, aggregate key, window].
    condition = jsonencode({ for r in aws_wafv2_web_acl.this.rule : r.name => [
      r.priority,
      r.statement[0].rate_based_statement[0].limit,
      r.statement[0].rate_based_statement[0].aggregate_key_type,
      r.statement[0].rate_based_statement[0].evaluation_window_sec,
      ] }) == jsonencode({
      "others-per-ip"   = [2, 500, "IP", 300]
      "readings-per-ip" = [1, 4000, "IP", 300]
    })
    error_message = "Two per-IP rate rules over 5 minutes: the upload's budget and the rest's."
  }

  assert {
    condition = alltrue([for r in aws_wafv2_web_acl.this.rule : (
      r.name == "readings-per-ip" ?
      jsonencode([for s in r.statement[0].rate_based_statement[0].scope_down_statement[0].and_statement[0].statement : [s.byte_match_statement[0].search_string, s.byte_match_statement[0].positional_constraint]]) == jsonencode([["POST", "EXACTLY"], ["/v1/readings", "EXACTLY"]]) :
      jsonencode([for s in r.statement[0].rate_based_statement[0].scope_down_statement[0].not_statement[0].statement[0].and_statement[0].statement : [s.byte_match_statement[0].search_string, s.byte_match_statement[0].positional_constraint]]) == jsonencode([["POST", "EXACTLY"], ["/v1/readings", "EXACTLY"]])
    )])
    error_message = "readings-per-ip counts POST /v1/readings only; others-per-ip everything else."
  }

  assert {
    condition = alltrue([for r in aws_wafv2_web_acl.this.rule :
      r.action[0].block[0].custom_response[0].response_code == 429 &&
      jsonencode([for h in r.action[0].block[0].custom_response[0].response_header : [h.name, h.value]]) == jsonencode([["Retry-After", "60"]])
    ]) && one(aws_wafv2_web_acl.this.custom_response_body).content == jsonencode({ message = "Too Many Requests" })
    error_message = "A client over its limit gets API Gateway's own 429 body and a Retry-After (the boards wait and lose nothing)."
  }

  assert {
    condition = (
      one(aws_cloudfront_distribution.this.origin).domain_name == "a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com" &&
      one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).origin_protocol_policy == "https-only" &&
      [for h in one(aws_cloudfront_distribution.this.origin).custom_header : h.name] == ["x-front-door-secret"]
    )
    error_message = "The only origin is the HTTP API, over HTTPS, with the secret header."
  }

  assert {
    condition = (
      aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy == "https-only" &&
      length(aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods) == 7 &&
      aws_cloudfront_distribution.this.default_cache_behavior[0].cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" &&
      aws_cloudfront_distribution.this.default_cache_behavior[0].origin_request_policy_id == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    )
    error_message = "Every method goes through, over HTTPS only, nothing cached, every viewer header but Host forwarded."
  }

  assert {
    condition     = aws_ssm_parameter.origin_secret.type == "SecureString" && aws_ssm_parameter.origin_secret.name == "/fcmod/front-door-secret"
    error_message = "The origin secret is kept in an SSM SecureString."
  }
}
