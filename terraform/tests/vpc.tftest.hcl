# Root module, vpc mode, planned offline with the real provider: the
# resource set of the mode (the server variant itself is tested in
# server.tftest.hcl and server_root.tftest.hcl).

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

variables {
  ops_emails         = ["oncall@example.org"]
  name               = "fcvpc"
  mode               = "vpc"
  lambda_dist_dir    = "tests/fixtures/lambda"
  server_dist_dir    = "tests/fixtures/server"
  server_ami_id      = "ami-0123456789abcdef0"
  availability_zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
  az_count           = 2
  vpc_cidr           = "10.40.0.0/16"
}

run "vpc_resource_set" {
  command = plan

  assert {
    condition     = length(module.network) == 1 && length(module.server) == 1
    error_message = "vpc mode creates the network and the server variant."
  }

  assert {
    condition     = length(module.api) == 0 && jsonencode(output.function_names) == "{}"
    error_message = "vpc mode does not instantiate module.api, so it has no Lambda function at all: the servers serve the API and run the sweep on a timer (no api, ingest or sweep function, no schedule)."
  }

  assert {
    condition     = jsonencode(output.function_names) == jsonencode({}) && jsonencode(output.log_group_names) == jsonencode({ access = "/aws/apigateway/fcvpc-http/vpc-access", server = "/firemon/fcvpc/server" })
    error_message = "vpc mode: no function names; the log groups are the servers' and the HTTP API access log."
  }

  assert {
    condition     = output.server_log_group_name == "/firemon/fcvpc/server" && output.server.ami_id == "ami-0123456789abcdef0" && output.server.bundle_sha256 == filesha256("tests/fixtures/server/server.mjs")
    error_message = "The server output names the log group, the image and the bundle the instances run."
  }

  assert {
    condition     = jsonencode(output.table_names) == jsonencode({ alerts = "fcvpc-alerts", devices = "fcvpc-devices", readings = "fcvpc-readings" }) && output.alerts_topic_arn == "arn:aws:sns:eu-west-3:123456789012:fcvpc-alerts"
    error_message = "Both modes have the same storage and alerts."
  }

  assert {
    condition = (
      jsonencode(module.network[0].availability_zones) == jsonencode(["eu-west-3a", "eu-west-3b"]) &&
      jsonencode(module.network[0].public_subnet_cidrs) == jsonencode(["10.40.0.0/20", "10.40.16.0/20"]) &&
      jsonencode(module.network[0].private_subnet_cidrs) == jsonencode(["10.40.128.0/20", "10.40.144.0/20"])
    )
    error_message = "Subnets: the first az_count zones, public CIDRs in the first half of the VPC, private in the second."
  }
}

run "vpc_with_explicit_subnets" {
  command = plan

  variables {
    vpc_cidr     = "10.50.0.0/20"
    subnet_cidrs = { public = ["10.50.0.0/24", "10.50.1.0/24"], private = ["10.50.8.0/22", "10.50.12.0/22"] }
  }

  assert {
    condition = (
      jsonencode(module.network[0].public_subnet_cidrs) == jsonencode(["10.50.0.0/24", "10.50.1.0/24"]) &&
      jsonencode(module.network[0].private_subnet_cidrs) == jsonencode(["10.50.8.0/22", "10.50.12.0/22"])
    )
    error_message = "Explicit subnet CIDRs must be used as given."
  }
}
