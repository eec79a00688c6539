# The root module applied against a mock provider: what a user sees after
# `make apply` in each mode.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:user/deployer", user_id = "AIDADEPLOYER" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
  }

  mock_data "aws_region" {
    defaults = { name = "eu-west-3", endpoint = "ec2.eu-west-3.amazonaws.com", description = "Europe (Paris)" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  # The provider validates ARNs even when mocked: give them real shapes.
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-3:123456789012:fcout-alerts" }
  }

  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcout-table" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/fcout-role" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-3:123456789012:log-group:/aws/lambda/fcout" }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-3:123456789012:function:fcout-fn"
      invoke_arn = "arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-3:123456789012:function:fcout-fn/invocations"
    }
  }

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com"
      execution_arn = "arn:aws:execute-api:eu-west-3:123456789012:a1b2c3d4e5"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-3:123456789012:rule/fcout-sweep" }
  }

  mock_resource "aws_eip" {
    defaults = { public_ip = "203.0.113.10" }
  }

  # The server variant (vpc mode).
  mock_data "aws_default_tags" {
    defaults = { tags = {} }
  }

  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/fcout-server" }
  }

  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:loadbalancer/app/fcout-server/50dc6c495c0c9188"
      arn_suffix = "app/fcout-server/50dc6c495c0c9188"
    }
  }

  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/fcout-server/73e2d6bc24d8a067"
      arn_suffix = "targetgroup/fcout-server/73e2d6bc24d8a067"
    }
  }

  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:listener/app/fcout-server/50dc6c495c0c9188/f2f7dc8efc522ab2" }
  }

  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
}

# The front door's web ACL (scope CLOUDFRONT) lives in us-east-1.
mock_provider "aws" {
  alias = "us_east_1"
}

variables {
  ops_emails        = ["oncall@example.org"]
  name              = "fcout"
  lambda_dist_dir   = "tests/fixtures/lambda"
  server_dist_dir   = "tests/fixtures/server"
  server_ami_id     = "ami-0123456789abcdef0"
  alert_emails      = ["ops@example.org"]
  alert_sms_numbers = ["+33612345678"]
}

run "serverless_outputs" {
  variables {
    mode = "serverless"
  }

  assert {
    condition     = output.api_url == "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com" && output.mode == "serverless"
    error_message = "api_url is the HTTP API endpoint."
  }

  assert {
    condition = (
      jsonencode(output.function_names) == jsonencode({ api = "fcout-api", ingest = "fcout-ingest", sweep = "fcout-sweep", web = "fcout-web" }) &&
      jsonencode(output.table_names) == jsonencode({ alerts = "fcout-alerts", devices = "fcout-devices", readings = "fcout-readings" }) &&
      output.alerts_topic_arn == "arn:aws:sns:eu-west-3:123456789012:fcout-alerts" &&
      output.admin_token_parameter_name == "/fcout/admin-token" &&
      output.network == null && output.server == null
    )
    error_message = "Function, table, topic and parameter names."
  }

  assert {
    condition = alltrue([for s in [
      "aws ssm put-parameter --type SecureString --name '/fcout/admin-token'",
      "Subscription Confirmation",
      "SMS sandbox",
      "API_URL=https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com",
      "/v1/devices",
    ] : strcontains(output.next_steps, s)])
    error_message = "next_steps tells how to create the admin token, confirm e-mail, mind the SMS sandbox and register a board:\n${output.next_steps}"
  }

  assert {
    condition     = !strcontains(output.next_steps, "read-token") && output.read_token_parameter_name == null
    error_message = "Without enable_read_token, next_steps says nothing of a read token."
  }
}

run "read_token_next_step" {
  variables {
    mode                    = "serverless"
    enable_read_token       = true
    admin_token_kms_key_arn = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002"
  }

  assert {
    condition     = output.read_token_parameter_name == "/fcout/read-token" && strcontains(output.next_steps, "aws ssm put-parameter --type SecureString --name '/fcout/read-token' --key-id 'arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000002' --value")
    error_message = "next_steps tells how to create the read token parameter with the admin token's key:\n${output.next_steps}"
  }
}

run "vpc_outputs" {
  variables {
    mode               = "vpc"
    availability_zones = ["eu-west-3a", "eu-west-3b"]
  }

  assert {
    condition     = output.api_url == "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com" && output.mode == "vpc"
    error_message = "vpc mode has an API URL too: the server variant's HTTP API."
  }

  assert {
    condition = (
      jsonencode(output.function_names) == jsonencode({}) &&
      length(output.network.public_subnet_ids) == 2 && length(output.network.private_subnet_ids) == 2 &&
      jsonencode(output.network.nat_public_ips) == jsonencode(["203.0.113.10", "203.0.113.10"])
    )
    error_message = "vpc mode: no Lambda function (the servers run the sweep), two public and two private subnets, one NAT IP per zone (the default per_az)."
  }

  assert {
    condition = (
      output.server.log_group_name == "/firemon/fcout/server" && output.server_log_group_name == "/firemon/fcout/server" &&
      output.server.autoscaling_group_name == "fcout-server" && output.server.target_group_arn_suffix == "targetgroup/fcout-server/73e2d6bc24d8a067" &&
      output.server.bundle_s3_uri == "s3://fcout-bundle-123456789012-eu-west-3/server/server.mjs"
    )
    error_message = "The server output names what an operator looks at: ${jsonencode(output.server)}"
  }

  assert {
    condition     = strcontains(output.next_steps, "API_URL=https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com") && strcontains(output.next_steps, "/healthz") && strcontains(output.next_steps, "/v1/devices")
    error_message = "next_steps tells how to check the servers are healthy and register a board:\n${output.next_steps}"
  }
}
