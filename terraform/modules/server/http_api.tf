# The public HTTPS entry point: an API Gateway HTTP API like the serverless
# stack's (same name, the same routes, `$default` stage, throttling and
# access log format, taken from the api module), whose single integration
# goes through a VPC link to the internal load balancer. Boards and scripts
# see the same API in both modes.

resource "aws_apigatewayv2_api" "http" {
  name          = "${var.name}-http"
  description   = "Fire/CO2 monitoring HTTP API (${var.name}, server variant)"
  protocol_type = "HTTP"
}

# Not serverless mode's /aws/apigateway/<name>-http/access: switching a stack
# from one mode to the other destroys one group and creates the other in the
# same apply, in no set order, and the same name would collide.
resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}-http/vpc-access"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_stage" "default" {
  # route_settings name a route that must exist first.
  depends_on = [aws_apigatewayv2_route.this]

  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  # The boards' upload has its own budget, apart from the other routes.
  route_settings {
    route_key              = "POST /v1/readings"
    throttling_burst_limit = var.readings_throttling_burst_limit
    throttling_rate_limit  = var.readings_throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = var.access_log_format
  }
}

resource "aws_apigatewayv2_vpc_link" "this" {
  name               = local.server_name
  subnet_ids         = var.network.private_subnet_ids
  security_group_ids = [aws_security_group.vpc_link.id]
}

# HTTP_PROXY to the load balancer's listener: method, path, query string,
# headers and body go through unchanged, and the answer comes back as is.
resource "aws_apigatewayv2_integration" "servers" {
  api_id                 = aws_apigatewayv2_api.http.id
  description            = "${var.name} servers, through the VPC link and the internal load balancer"
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.this.id
  integration_uri        = aws_lb_listener.http.arn
  payload_format_version = "1.0" # the only one of HTTP_PROXY
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "this" {
  for_each = toset(var.route_keys)

  api_id    = aws_apigatewayv2_api.http.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.servers.id}"
}
