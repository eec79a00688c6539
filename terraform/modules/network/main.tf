# The VPC of the server variant: public and private subnets in az_count
# availability zones, an internet gateway for the public subnets, NAT
# gateway(s) for the private ones (per zone, single, or none), VPC endpoints
# for every AWS service the servers call, and optional flow logs.
#
# The endpoints are what keeps the alert path alive when a zone fails: with
# them the servers reach DynamoDB, S3 (the bundle and the Amazon Linux
# package repositories), SNS, SSM and CloudWatch Logs without any NAT
# gateway, and an interface endpoint has a network interface in every zone.
# A NAT gateway lives in one zone: the single one takes the private subnets'
# internet access down with its zone (only Session Manager and non-AWS
# destinations need it).

locals {
  azs = slice(var.availability_zones, 0, min(var.az_count, length(var.availability_zones)))

  vpc_prefix = tonumber(split("/", var.vpc_cidr)[1])
  # Computed layout: public subnets take the first half of the netnums,
  # private subnets the second half, so adding a zone later never renumbers
  # an existing subnet.
  half = pow(2, var.subnet_newbits - 1)
  computed = {
    public  = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, var.subnet_newbits, i)]
    private = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, var.subnet_newbits, local.half + i)]
  }
  subnet_cidrs = var.subnet_cidrs == null ? local.computed : var.subnet_cidrs

  public  = { for i, az in local.azs : az => local.subnet_cidrs.public[i] }
  private = { for i, az in local.azs : az => local.subnet_cidrs.private[i] }

  # The zone whose NAT gateway each private subnet uses.
  nat_azs = { per_az = local.azs, single = [local.azs[0]], none = [] }[var.nat_gateway_mode]
  nat_for = { for az in local.azs : az => var.nat_gateway_mode == "per_az" ? az : local.azs[0] }

  every_subnet = concat(local.subnet_cidrs.public, local.subnet_cidrs.private)

  # Built from the name (not the resource) so that the policy is known at plan.
  flow_log_group     = "/aws/vpc/${var.name}/flow-logs"
  flow_log_group_arn = "arn:${var.aws.partition}:logs:${var.aws.region}:${var.aws.account_id}:log-group:${local.flow_log_group}"
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = "${var.name}-vpc" }

  lifecycle {
    precondition {
      condition     = length(var.availability_zones) >= var.az_count
      error_message = "availability_zones must name at least az_count (${var.az_count}) zones."
    }
    precondition {
      condition     = alltrue([for az in local.azs : startswith(az, var.aws.region)])
      error_message = "Every availability zone must be in the stack's region (${var.aws.region})."
    }
    precondition {
      condition     = alltrue([for c in local.every_subnet : tonumber(split("/", c)[1]) <= 28])
      error_message = "Every subnet must be a /28 or larger (AWS's smallest subnet): lower subnet_newbits or widen vpc_cidr."
    }
    precondition {
      condition     = length(local.subnet_cidrs.public) == var.az_count && length(local.subnet_cidrs.private) == var.az_count
      error_message = "subnet_cidrs must give exactly az_count public and az_count private CIDRs."
    }
    precondition {
      # A subnet is inside the VPC when its prefix is at least as long and it
      # agrees with the VPC on the VPC's prefix bits.
      condition = alltrue([
        for c in local.every_subnet :
        tonumber(split("/", c)[1]) >= local.vpc_prefix &&
        cidrhost("${cidrhost(c, 0)}/${local.vpc_prefix}", 0) == cidrhost(var.vpc_cidr, 0)
      ])
      error_message = "Every subnet CIDR must lie inside vpc_cidr (${var.vpc_cidr})."
    }
  }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-igw" }
}

resource "aws_subnet" "public" {
  for_each = local.public

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = { Name = "${var.name}-public-${each.key}", Tier = "public" }
}

resource "aws_subnet" "private" {
  for_each = local.private

  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = each.value

  tags = { Name = "${var.name}-private-${each.key}", Tier = "private" }
}

resource "aws_eip" "nat" {
  for_each = toset(local.nat_azs)

  domain = "vpc"
  tags   = { Name = "${var.name}-nat-${each.key}" }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  for_each = toset(local.nat_azs)

  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id
  tags          = { Name = "${var.name}-nat-${each.key}" }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-public" }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

# One route table per private subnet, each with a default route to its NAT
# gateway (the zone's own in per_az mode, the single one otherwise).
resource "aws_route_table" "private" {
  for_each = local.private

  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-private-${each.key}" }
}

resource "aws_route" "private_nat" {
  for_each = var.nat_gateway_mode == "none" ? {} : local.private

  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[local.nat_for[each.key]].id
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[each.key].id
}

# ---------------------------------------------------------------------------
# VPC endpoints: every AWS service the servers call (modules/server output
# aws_services, held to this list by tests/zone_failure.tftest.hcl).
# ---------------------------------------------------------------------------

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.this.id
  service_name      = "${var.aws.reverse_dns_prefix}.${var.aws.region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [for rt in aws_route_table.private : rt.id]

  tags = { Name = "${var.name}-dynamodb" }
}

# The bundle (s3:GetObject) and the Amazon Linux 2023 package repositories
# (hosted on S3), so a new instance boots without a NAT. Gateway endpoints
# cost nothing.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "${var.aws.reverse_dns_prefix}.${var.aws.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [for rt in aws_route_table.private : rt.id]

  tags = { Name = "${var.name}-s3" }
}

# HTTPS from inside the VPC only (the servers' own group already allows
# 443 out).
resource "aws_security_group" "endpoints" {
  name        = "${var.name}-vpc-endpoints"
  description = "Interface endpoints of ${var.name}: HTTPS from the VPC"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${var.name}-vpc-endpoints" }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr
}

# One network interface per private subnet (so per zone), with private DNS:
# the SDK's usual host names resolve to them, no configuration in the app.
resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoint_services)

  vpc_id              = aws_vpc.this.id
  service_name        = "${var.aws.reverse_dns_prefix}.${var.aws.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for az in local.azs : aws_subnet.private[az].id]
  security_group_ids  = [aws_security_group.endpoints.id]

  tags = { Name = "${var.name}-${each.key}" }
}

# The VPC's default security group, managed so that it has no rule at all:
# anything launched without a group of its own can talk to nothing.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-default-deny-all" }
}

# ---------------------------------------------------------------------------
# Optional flow logs.
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow" {
  count = var.enable_flow_logs ? 1 : 0

  name              = local.flow_log_group
  retention_in_days = var.flow_log_retention_days
}

data "aws_iam_policy_document" "flow_assume" {
  count = var.enable_flow_logs ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.aws.account_id]
    }
  }
}

data "aws_iam_policy_document" "flow" {
  count = var.enable_flow_logs ? 1 : 0

  statement {
    sid       = "WriteFlowLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [local.flow_log_group_arn, "${local.flow_log_group_arn}:*"]
  }
}

resource "aws_iam_role" "flow" {
  count = var.enable_flow_logs ? 1 : 0

  name               = "${var.name}-vpc-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_assume[0].json
}

resource "aws_iam_role_policy" "flow" {
  count = var.enable_flow_logs ? 1 : 0

  name   = "write-flow-logs"
  role   = aws_iam_role.flow[0].id
  policy = data.aws_iam_policy_document.flow[0].json
}

resource "aws_flow_log" "this" {
  count = var.enable_flow_logs ? 1 : 0

  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow[0].arn
  iam_role_arn             = aws_iam_role.flow[0].arn
  max_aggregation_interval = 60
}
