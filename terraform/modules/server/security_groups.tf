# Who may talk to whom, and nothing else:
#
#   API Gateway's VPC link  --tcp/80-->    load balancer
#   load balancer           --tcp/app_port--> instances
#   instances               --tcp/443-->   the VPC endpoints (SNS, SSM,
#                                          CloudWatch Logs: interface; S3:
#                                          gateway), the NAT gateway(s) if any
#                                          (Session Manager), and the DynamoDB
#                                          gateway endpoint's prefix list
#
# Port 80 (plain HTTP) between the VPC link and the load balancer: TLS ends
# at API Gateway's public HTTPS endpoint; from there the request travels on
# AWS's network into the VPC, to a load balancer that has no public address
# and accepts only the VPC link's security group. HTTPS on that hop would
# need a certificate for a domain of ours (an internal load balancer's own
# name cannot get one from ACM) and buys no protection against anyone
# outside the VPC. Instance metadata, the Amazon DNS resolver and the Amazon
# Time Sync Service are link-local or VPC-internal and not subject to
# security groups.
#
# Terraform removes the allow-all egress rule AWS puts in every new group,
# so each group allows exactly the rules below.

resource "aws_security_group" "vpc_link" {
  name        = "${local.server_name}-vpc-link"
  description = "API Gateway VPC link of ${var.name}: may reach the load balancer only"
  vpc_id      = var.network.vpc_id
  tags        = { Name = "${local.server_name}-vpc-link" }
}

resource "aws_security_group" "load_balancer" {
  name        = "${local.server_name}-alb"
  description = "Internal load balancer of ${var.name}: from the VPC link, to the instances"
  vpc_id      = var.network.vpc_id
  tags        = { Name = "${local.server_name}-alb" }
}

resource "aws_security_group" "instances" {
  name        = "${local.server_name}-instances"
  description = "Instances of ${var.name}: from the load balancer; out to HTTPS and DynamoDB"
  vpc_id      = var.network.vpc_id
  tags        = { Name = "${local.server_name}-instances" }
}

# VPC link -> load balancer.
resource "aws_vpc_security_group_egress_rule" "vpc_link_to_load_balancer" {
  security_group_id            = aws_security_group.vpc_link.id
  description                  = "HTTP to the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  referenced_security_group_id = aws_security_group.load_balancer.id
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer_from_vpc_link" {
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "HTTP from API Gateway's VPC link"
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  referenced_security_group_id = aws_security_group.vpc_link.id
}

# Load balancer -> instances.
resource "aws_vpc_security_group_egress_rule" "load_balancer_to_instances" {
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "The application port of the instances (traffic and health checks)"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.instances.id
}

resource "aws_vpc_security_group_ingress_rule" "instances_from_load_balancer" {
  security_group_id            = aws_security_group.instances.id
  description                  = "The application port, from the load balancer only"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.load_balancer.id
}

# Instances -> AWS APIs (VPC endpoints; a NAT when there is one) and DynamoDB.
resource "aws_vpc_security_group_egress_rule" "instances_https" {
  security_group_id = aws_security_group.instances.id
  description       = "HTTPS to the VPC endpoints (SNS, SSM, Logs, S3) and through a NAT if any"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "instances_dynamodb" {
  security_group_id = aws_security_group.instances.id
  description       = "DynamoDB through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.network.dynamodb_prefix_list_id
}
