# vpc mode survives the loss of a zone: with every NAT gateway removed,
# every AWS service the servers call (modules/server output aws_services,
# held to the instance policy by server.tftest.hcl) is reached through a VPC
# endpoint present in every zone the servers run in.

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
  name               = "fczone"
  mode               = "vpc"
  ops_emails         = ["oncall@example.org"]
  lambda_dist_dir    = "tests/fixtures/lambda"
  server_dist_dir    = "tests/fixtures/server"
  server_ami_id      = "ami-0123456789abcdef0"
  availability_zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
  az_count           = 3
}

run "every_service_without_any_nat" {
  command = plan

  variables {
    nat_gateway_mode = "none"
  }

  assert {
    condition     = module.network[0].nat_gateway_count == 0 && length(module.network[0].nat_public_ips) == 0
    error_message = "nat_gateway_mode = none: no NAT gateway at all."
  }

  assert {
    condition = alltrue([
      for svc, kind in module.server[0].aws_services :
      try(module.network[0].endpoint_services[svc].type == kind, false)
    ])
    error_message = "A service the servers call has no VPC endpoint of its kind: servers ${jsonencode(module.server[0].aws_services)}, endpoints ${jsonencode(keys(module.network[0].endpoint_services))}."
  }

  assert {
    # Interface endpoints: a network interface in each zone's private subnet,
    # private DNS so the SDK's usual host names resolve to them. Gateway
    # endpoints: on every private route table.
    condition = alltrue([
      for svc, kind in module.server[0].aws_services :
      jsonencode(module.network[0].endpoint_services[svc].zones) == jsonencode(["eu-west-3a", "eu-west-3b", "eu-west-3c"]) &&
      module.network[0].endpoint_services[svc].private_dns == (kind == "Interface")
    ])
    error_message = "Every endpoint must serve all three zones: ${jsonencode(module.network[0].endpoint_services)}"
  }

  assert {
    condition     = length(module.network[0].private_subnet_ids) == 3 && length(module.server[0].aws_services) == 5
    error_message = "The servers run in the three zones' private subnets; they call DynamoDB, S3, SNS, SSM and CloudWatch Logs."
  }
}

run "per_az_is_the_default_and_single_is_the_cost_option" {
  command = plan

  assert {
    condition     = module.network[0].nat_gateway_count == 3
    error_message = "By default every zone has its own NAT gateway (nothing of one zone depends on another)."
  }

  assert {
    condition     = length(module.network[0].endpoint_services) == 5
    error_message = "The endpoints exist whatever the NAT mode."
  }
}
