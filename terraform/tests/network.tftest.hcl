# The network module on its own: policies and preconditions planned with
# the real provider, routing wiring applied against a mock provider (the
# ids that routes point at only exist after apply).

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

mock_provider "aws" {
  alias = "mock"

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  # The provider validates ARNs even when mocked: give them real shapes.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-3:123456789012:log-group:/aws/vpc/fcnet/flow-logs" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/fcnet-vpc-flow-logs" }
  }
}

variables {
  name               = "fcnet"
  aws                = { partition = "aws", region = "eu-west-3", account_id = "123456789012", reverse_dns_prefix = "com.amazonaws" }
  availability_zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
  az_count           = 3
  vpc_cidr           = "10.40.0.0/16"
}

run "flow_log_role_policy" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    enable_flow_logs = true
  }

  assert {
    condition = jsonencode([for s in jsondecode(data.aws_iam_policy_document.flow[0].json).Statement : { a = sort(flatten([s.Action])), r = sort(flatten([s.Resource])) }]) == jsonencode([{
      a = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
      r = ["arn:aws:logs:eu-west-3:123456789012:log-group:/aws/vpc/fcnet/flow-logs", "arn:aws:logs:eu-west-3:123456789012:log-group:/aws/vpc/fcnet/flow-logs:*"]
    }])
    error_message = "The flow log role may write to its own log group only."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.flow_assume[0].json).Statement[0].Principal.Service == "vpc-flow-logs.amazonaws.com"
    error_message = "The flow log role is assumed by VPC Flow Logs."
  }
}

run "subnet_outside_the_vpc_is_rejected" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    az_count     = 2
    subnet_cidrs = { public = ["10.40.0.0/24", "10.40.1.0/24"], private = ["10.40.2.0/24", "10.41.0.0/24"] }
  }

  expect_failures = [aws_vpc.this]
}

run "too_few_zones_is_rejected" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    availability_zones = ["eu-west-3a"]
    az_count           = 2
  }

  expect_failures = [aws_vpc.this]
}

run "zone_of_another_region_is_rejected" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    availability_zones = ["eu-west-3a", "eu-west-1b"]
    az_count           = 2
  }

  expect_failures = [aws_vpc.this]
}

# Apply runs last: their (mock) state must not be refreshed by the real
# provider of the plan runs above.

run "single_nat_routing" {
  command   = apply
  providers = { aws = aws.mock }

  module {
    source = "./modules/network"
  }

  variables {
    nat_gateway_mode = "single"
  }

  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 && length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1
    error_message = "single NAT mode: 3 public and 3 private subnets, one NAT gateway with one Elastic IP."
  }

  assert {
    condition     = aws_nat_gateway.this["eu-west-3a"].subnet_id == aws_subnet.public["eu-west-3a"].id && aws_nat_gateway.this["eu-west-3a"].allocation_id == aws_eip.nat["eu-west-3a"].id
    error_message = "The NAT gateway sits in a public subnet with its Elastic IP."
  }

  assert {
    condition = (
      aws_route.public_internet.route_table_id == aws_route_table.public.id &&
      aws_route.public_internet.destination_cidr_block == "0.0.0.0/0" &&
      aws_route.public_internet.gateway_id == aws_internet_gateway.this.id &&
      alltrue([for az, a in aws_route_table_association.public : a.route_table_id == aws_route_table.public.id && a.subnet_id == aws_subnet.public[az].id])
    )
    error_message = "Public subnets must route 0.0.0.0/0 to the internet gateway."
  }

  assert {
    condition = alltrue([
      for az, s in aws_subnet.private :
      aws_route_table_association.private[az].subnet_id == s.id &&
      aws_route.private_nat[az].route_table_id == aws_route_table_association.private[az].route_table_id &&
      aws_route.private_nat[az].destination_cidr_block == "0.0.0.0/0" &&
      aws_route.private_nat[az].nat_gateway_id == aws_nat_gateway.this["eu-west-3a"].id &&
      aws_route.private_nat[az].gateway_id == null
    ])
    error_message = "Every private subnet must route 0.0.0.0/0 to the (single) NAT gateway, never to the internet gateway."
  }

  assert {
    condition = (
      aws_vpc_endpoint.dynamodb.service_name == "com.amazonaws.eu-west-3.dynamodb" &&
      aws_vpc_endpoint.dynamodb.vpc_endpoint_type == "Gateway" &&
      toset(aws_vpc_endpoint.dynamodb.route_table_ids) == toset([for rt in aws_route_table.private : rt.id])
    )
    error_message = "The DynamoDB gateway endpoint must be attached to every private route table."
  }

  assert {
    condition     = length(aws_flow_log.this) == 0 && length(aws_iam_role.flow) == 0
    error_message = "Flow logs are off by default."
  }
}

run "nat_per_az_and_flow_logs" {
  command   = apply
  providers = { aws = aws.mock }

  module {
    source = "./modules/network"
  }

  variables {
    nat_gateway_mode        = "per_az"
    enable_flow_logs        = true
    flow_log_retention_days = 14
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && alltrue([for az, n in aws_nat_gateway.this : n.subnet_id == aws_subnet.public[az].id])
    error_message = "per_az mode: one NAT gateway in each zone's public subnet."
  }

  assert {
    condition     = alltrue([for az, r in aws_route.private_nat : r.nat_gateway_id == aws_nat_gateway.this[az].id])
    error_message = "per_az mode: each private subnet routes to its own zone's NAT gateway."
  }

  assert {
    condition = (
      aws_flow_log.this[0].vpc_id == aws_vpc.this.id &&
      aws_flow_log.this[0].traffic_type == "ALL" &&
      aws_flow_log.this[0].log_destination == aws_cloudwatch_log_group.flow[0].arn &&
      aws_flow_log.this[0].iam_role_arn == aws_iam_role.flow[0].arn &&
      aws_cloudwatch_log_group.flow[0].retention_in_days == 14
    )
    error_message = "Flow logs go to their own log group, with retention, through their own role."
  }
}

# Without any NAT gateway the private subnets still reach every AWS service
# the servers call, through endpoints in every zone; the VPC's default
# security group is managed with no rule.
run "no_nat_endpoints_in_every_zone" {
  command   = apply
  providers = { aws = aws.mock }

  module {
    source = "./modules/network"
  }

  variables {
    nat_gateway_mode            = "none"
    interface_endpoint_services = ["logs", "sns", "ssm"]
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.private_nat) == 0
    error_message = "none: no NAT gateway, no elastic IP, no default route in the private subnets."
  }

  assert {
    condition = alltrue([
      for svc in ["dynamodb", "s3"] :
      toset([for e in [aws_vpc_endpoint.dynamodb, aws_vpc_endpoint.s3] : e if e.service_name == "com.amazonaws.eu-west-3.${svc}"][0].route_table_ids) == toset([for rt in aws_route_table.private : rt.id])
    ]) && aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway"
    error_message = "The DynamoDB and S3 gateway endpoints are on every private route table."
  }

  assert {
    condition = jsonencode(sort(keys(aws_vpc_endpoint.interface))) == jsonencode(["logs", "sns", "ssm"]) && alltrue([
      for svc, e in aws_vpc_endpoint.interface :
      e.service_name == "com.amazonaws.eu-west-3.${svc}" && e.vpc_endpoint_type == "Interface" && e.private_dns_enabled &&
      toset(e.subnet_ids) == toset([for s in aws_subnet.private : s.id]) &&
      toset(e.security_group_ids) == toset([aws_security_group.endpoints.id])
    ])
    error_message = "Each interface endpoint has a network interface in every private subnet (every zone), private DNS, and the endpoints' group."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_https.from_port == 443 && aws_vpc_security_group_ingress_rule.endpoints_https.cidr_ipv4 == "10.40.0.0/16"
    error_message = "The endpoints accept HTTPS from the VPC only."
  }

  assert {
    condition     = aws_default_security_group.this.vpc_id == aws_vpc.this.id && length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The VPC's default security group is managed with no rules (deny all)."
  }
}
