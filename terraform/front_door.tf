# The optional front door (enable_front_door, both modes): CloudFront and an
# AWS WAF web ACL with per-source-IP rate limits in front of the HTTP API of
# either mode (modules/front-door). Its web ACL is created in us-east-1
# (provider aws.us_east_1, providers.tf).

locals {
  # The SSM parameter holding the origin secret, and the header CloudFront
  # sends it in: the application refuses requests without it
  # (src/adapters/http/front-door.ts checks this header name).
  front_door_secret_parameter_name = local.front_door ? "/${var.name}/front-door-secret" : null
  front_door_secret_header         = "x-front-door-secret"
  front_door                       = var.enable_front_door
}

module "front_door" {
  source = "./modules/front-door"
  count  = local.front_door ? 1 : 0

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                  = var.name
  api_url               = local.execute_api_url
  rate_limit            = var.front_door_rate_limit
  readings_rate_limit   = var.front_door_readings_rate_limit
  secret_parameter_name = local.front_door_secret_parameter_name
  secret_header_name    = local.front_door_secret_header
}
