# The optional front door (enable_front_door): CloudFront and an AWS WAF web
# ACL with per-source-IP rate limits in front of the HTTP API of either mode,
# planned offline with the real provider (the web ACL in us-east-1).

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

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:user/test", user_id = "AIDATEST" }
}

override_data {
  target = data.aws_partition.current
  values = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
}

override_data {
  target = data.aws_region.current
  values = { name = "eu-west-3", endpoint = "ec2.eu-west-3.amazonaws.com", description = "Europe (Paris)" }
}

override_resource {
  target          = module.alerts.module.topic.aws_kms_key.this
  override_during = plan
  values = {
    arn    = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

# Computed at apply: give the HTTP APIs, the web ACL and the distribution
# their names at plan time, so that the origin and the association can be
# compared.
override_resource {
  target          = module.api[0].aws_apigatewayv2_api.http
  override_during = plan
  values = {
    id            = "a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
    execution_arn = "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5"
  }
}

override_resource {
  target          = module.server[0].aws_apigatewayv2_api.http
  override_during = plan
  values = {
    id            = "f6g7h8i9j0"
    api_endpoint  = "https://f6g7h8i9j0.execute-api.eu-west-3.amazonaws.com"
    execution_arn = "arn:aws:execute-api:eu-west-3:123456789012:f6g7h8i9j0"
  }
}

override_resource {
  target          = module.front_door[0].aws_wafv2_web_acl.this
  override_during = plan
  values = {
    arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/fcfd-front-door/00000000-1111-2222-3333-444444444444"
  }
}

override_resource {
  target          = module.front_door[0].aws_cloudfront_distribution.this
  override_during = plan
  values = {
    domain_name = "d111111abcdef8.cloudfront.net"
  }
}

variables {
  ops_emails         = ["oncall@example.org"]
  name               = "fcfd"
  lambda_dist_dir    = "tests/fixtures/lambda"
  server_dist_dir    = "tests/fixtures/server"
  server_ami_id      = "ami-0123456789abcdef0"
  availability_zones = ["eu-west-3a", "eu-west-3b"]
}

run "disabled_by_default" {
  command = plan

  assert {
    condition     = length(module.front_door) == 0 && output.front_door_url == null && output.api_url == "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
    error_message = "Without enable_front_door there is no front door, and api_url is the HTTP API's."
  }

  assert {
    condition     = !contains(keys(output.app_environment), "FRONT_DOOR_SECRET_PARAMETER")
    error_message = "Without a front door the application checks no origin secret."
  }

  assert {
    condition = alltrue([for fn, doc in module.api[0].policies : alltrue([
      for s in jsondecode(doc).Statement : !strcontains(s.Sid, "FrontDoor")
    ])])
    error_message = "Without a front door no function may read a front door secret."
  }
}

run "enabled_serverless" {
  command = plan

  variables {
    enable_front_door              = true
    front_door_rate_limit          = 500
    front_door_readings_rate_limit = 4000
  }

  assert {
    condition = jsonencode(module.front_door[0].rules) == jsonencode({
      "others-per-ip" = {
        priority = 2, limit = 500, key = "IP", window = 300, negated = true, matches = ["EXACTLY POST", "EXACTLY /v1/readings"]
        status   = 429, headers = { "Retry-After" = "60" }
      }
      "readings-per-ip" = {
        priority = 1, limit = 4000, key = "IP", window = 300, negated = false, matches = ["EXACTLY POST", "EXACTLY /v1/readings"]
        status   = 429, headers = { "Retry-After" = "60" }
      }
    })
    error_message = "Two per-IP rules over 5 minutes, answering 429 + Retry-After: POST /v1/readings with front_door_readings_rate_limit, every other request with front_door_rate_limit. Got ${jsonencode(module.front_door[0].rules)}"
  }

  assert {
    condition = jsonencode(module.front_door[0].behaviour) == jsonencode({
      viewer_protocol_policy   = "https-only"
      allowed_methods          = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
      cache_policy_id          = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
      origin_request_policy_id = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
      origin_protocol_policy   = "https-only"
    })
    error_message = "Every method goes through, over HTTPS only both sides, nothing cached (CachingDisabled), every viewer header but Host forwarded (AllViewerExceptHostHeader)."
  }

  assert {
    condition     = module.front_door[0].origin_domain_name == "a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
    error_message = "The distribution's only origin is the serverless HTTP API."
  }

  assert {
    condition     = module.front_door[0].origin_header_names == ["x-front-door-secret"]
    error_message = "CloudFront adds the origin secret header to every request it forwards."
  }

  assert {
    condition     = module.front_door[0].distribution_web_acl_id == "arn:aws:wafv2:us-east-1:123456789012:global/webacl/fcfd-front-door/00000000-1111-2222-3333-444444444444" && module.front_door[0].web_acl_arn == module.front_door[0].distribution_web_acl_id
    error_message = "The distribution is associated with the front door's web ACL."
  }

  assert {
    condition     = output.app_environment.FRONT_DOOR_SECRET_PARAMETER == "/fcfd/front-door-secret"
    error_message = "The application gets the name of the secret's parameter, never its value."
  }

  assert {
    condition     = output.front_door_url == "https://d111111abcdef8.cloudfront.net" && output.api_url == output.front_door_url && strcontains(output.next_steps, "API_URL=https://d111111abcdef8.cloudfront.net") && strcontains(output.next_steps, "front door")
    error_message = "With the front door, api_url and next_steps give its URL."
  }

  assert {
    # The secret is read by the HTTP functions only, on the one parameter.
    condition = jsonencode({ for fn, doc in module.api[0].policies : fn => [
      for s in jsondecode(doc).Statement : [s.Sid, s.Resource] if strcontains(s.Sid, "FrontDoor")
      ] }) == jsonencode({
      api = [
        ["ReadFrontDoorSecret", "arn:aws:ssm:eu-west-3:123456789012:parameter/fcfd/front-door-secret"],
        ["DecryptFrontDoorSecret", "arn:aws:kms:eu-west-3:123456789012:key/*"],
      ]
      ingest = [
        ["ReadFrontDoorSecret", "arn:aws:ssm:eu-west-3:123456789012:parameter/fcfd/front-door-secret"],
        ["DecryptFrontDoorSecret", "arn:aws:kms:eu-west-3:123456789012:key/*"],
      ]
      sweep = []
      web   = []
    })
    error_message = "api and ingest read the front door secret (and decrypt it through SSM only); sweep does not."
  }
}

run "enabled_vpc" {
  command = plan

  variables {
    mode              = "vpc"
    enable_front_door = true
  }

  assert {
    condition     = length(module.api) == 0 && module.front_door[0].origin_domain_name == "f6g7h8i9j0.execute-api.eu-west-3.amazonaws.com"
    error_message = "vpc mode: no module.api; the front door's origin is the servers' HTTP API."
  }

  assert {
    condition     = module.front_door[0].rules["others-per-ip"].limit == 1000 && module.front_door[0].rules["readings-per-ip"].limit == 3000
    error_message = "Default limits: 1000 requests and 3000 uploads per source IP in 5 minutes."
  }

  assert {
    condition     = module.server[0].service_environment.FRONT_DOOR_SECRET_PARAMETER == "/fcfd/front-door-secret" && strcontains(module.server[0].instance_policy, "arn:aws:ssm:eu-west-3:123456789012:parameter/fcfd/front-door-secret")
    error_message = "The servers get the secret's name and may read that parameter."
  }
}

run "rate_limits_are_validated" {
  command = plan

  variables {
    enable_front_door              = true
    front_door_rate_limit          = 9
    front_door_readings_rate_limit = 100.5
  }

  expect_failures = [var.front_door_rate_limit, var.front_door_readings_rate_limit]
}
