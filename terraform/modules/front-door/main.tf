# The optional front door of the HTTP API: a CloudFront distribution whose
# only origin is the API, with an AWS WAF web ACL that limits every source IP
# (two budgets: the boards' upload, and everything else). CloudFront adds a
# secret header to every request it forwards; the application refuses
# requests without it (FRONT_DOOR_SECRET_PARAMETER, docs/api.md), so going
# around the front door to the execute-api URL gets nothing but 403.

locals {
  # https://<id>.execute-api.<region>.amazonaws.com -> the host name.
  origin_domain = trimsuffix(trimprefix(var.api_url, "https://"), "/")
  origin_id     = "http-api"

  # AWS managed policies (fixed ids, documented by CloudFront): nothing is
  # cached (every answer is per token and per moment), and everything the
  # viewer sent but its Host header reaches the API (API Gateway routes on
  # its own host name). With caching disabled, CloudFront forwards the
  # Authorization header under this origin request policy.
  cache_policy_caching_disabled     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  origin_request_all_viewer_no_host = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

  # What a client refused by a rate rule gets: the status and body API
  # Gateway's own throttling answers (the OpenAPI document's 429), and a
  # Retry-After the boards honour (device/README.md).
  too_many_requests_body = jsonencode({ message = "Too Many Requests" })
}

# ---------------------------------------------------------------------------
# The origin secret: generated once, kept in an SSM SecureString that the
# application reads (cached for a minute) and that CloudFront sends as a
# header. uuid() is random (122 bits) and unknown until apply; the value is
# never an output and never logged. To rotate: put a new value in the
# parameter, then apply (docs/terraform.md, "Front door").
# ---------------------------------------------------------------------------

resource "aws_ssm_parameter" "origin_secret" {
  name        = var.secret_parameter_name
  description = "Header value CloudFront sends to the ${var.name} HTTP API (${var.secret_header_name}); requests without it are refused."
  type        = "SecureString"
  value       = "${uuid()}${uuid()}"

  lifecycle {
    # Generated once: a later plan keeps the stored (or rotated) value.
    ignore_changes = [value]
  }
}

# ---------------------------------------------------------------------------
# WAF (scope CLOUDFRONT: in us-east-1, whatever the stack's region).
# ---------------------------------------------------------------------------

resource "aws_wafv2_web_acl" "this" {
  provider = aws.us_east_1

  name        = "${var.name}-front-door"
  description = "Per-source-IP rate limits in front of the ${var.name} HTTP API"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  custom_response_body {
    key          = "too-many-requests"
    content      = local.too_many_requests_body
    content_type = "APPLICATION_JSON"
  }

  # The boards' upload, its own budget per source IP: the boards of a site
  # share one public address (their NAT) and send a backlog back to back
  # after an outage, so this limit is the higher one; a person or script
  # flooding the other routes cannot use it up.
  rule {
    name     = "readings-per-ip"
    priority = 1

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "too-many-requests"
          response_header {
            name  = "Retry-After"
            value = tostring(var.retry_after_seconds)
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.readings_rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300

        scope_down_statement {
          and_statement {
            statement {
              byte_match_statement {
                search_string         = "POST"
                positional_constraint = "EXACTLY"
                field_to_match {
                  method {}
                }
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
            statement {
              byte_match_statement {
                search_string         = "/v1/readings"
                positional_constraint = "EXACTLY"
                field_to_match {
                  uri_path {}
                }
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-front-door-readings-per-ip"
      sampled_requests_enabled   = true
    }
  }

  # Every other request (dashboards, admin scripts, unknown paths), per
  # source IP.
  rule {
    name     = "others-per-ip"
    priority = 2

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "too-many-requests"
          response_header {
            name  = "Retry-After"
            value = tostring(var.retry_after_seconds)
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.rate_limit
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300

        scope_down_statement {
          not_statement {
            statement {
              and_statement {
                statement {
                  byte_match_statement {
                    search_string         = "POST"
                    positional_constraint = "EXACTLY"
                    field_to_match {
                      method {}
                    }
                    text_transformation {
                      priority = 0
                      type     = "NONE"
                    }
                  }
                }
                statement {
                  byte_match_statement {
                    search_string         = "/v1/readings"
                    positional_constraint = "EXACTLY"
                    field_to_match {
                      uri_path {}
                    }
                    text_transformation {
                      priority = 0
                      type     = "NONE"
                    }
                  }
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-front-door-others-per-ip"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-front-door"
    sampled_requests_enabled   = true
  }
}

# ---------------------------------------------------------------------------
# CloudFront: one origin (the API), one behaviour, nothing cached.
# ---------------------------------------------------------------------------

resource "aws_cloudfront_distribution" "this" {
  comment         = "${var.name}: front door of the HTTP API"
  enabled         = true
  is_ipv6_enabled = true
  price_class     = var.price_class
  # The association with the web ACL (CloudFront takes the ACL's ARN here;
  # aws_wafv2_web_acl_association is for regional resources only).
  web_acl_id = aws_wafv2_web_acl.this.arn

  origin {
    origin_id   = local.origin_id
    domain_name = local.origin_domain

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
      # The API's integrations time out at 30 s; CloudFront waits as long.
      origin_read_timeout = 30
    }

    custom_header {
      name  = var.secret_header_name
      value = aws_ssm_parameter.origin_secret.value
    }
  }

  default_cache_behavior {
    target_origin_id         = local.origin_id
    viewer_protocol_policy   = "https-only"
    allowed_methods          = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = local.cache_policy_caching_disabled
    origin_request_policy_id = local.origin_request_all_viewer_no_host
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  # The distribution's own https://<id>.cloudfront.net name. (A custom
  # domain needs an ACM certificate in us-east-1; see README.md.)
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
