output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "The availability zones in use, in order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "Public subnet ids, in availability-zone order."
  value       = [for az in local.azs : aws_subnet.public[az].id]
}

output "private_subnet_ids" {
  description = "Private subnet ids, in availability-zone order."
  value       = [for az in local.azs : aws_subnet.private[az].id]
}

output "public_subnet_cidrs" {
  description = "Public subnet CIDRs, in availability-zone order."
  value       = [for az in local.azs : local.public[az]]
}

output "private_subnet_cidrs" {
  description = "Private subnet CIDRs, in availability-zone order."
  value       = [for az in local.azs : local.private[az]]
}

output "private_route_table_ids" {
  description = "Route table ids of the private subnets, in availability-zone order."
  value       = [for az in local.azs : aws_route_table.private[az].id]
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateway(s): the source address of the private subnets' outbound traffic."
  value       = [for az in local.nat_azs : aws_eip.nat[az].public_ip]
}

output "dynamodb_endpoint_id" {
  description = "Id of the DynamoDB gateway endpoint."
  value       = aws_vpc_endpoint.dynamodb.id
}

output "dynamodb_prefix_list_id" {
  description = "Id of the DynamoDB prefix list (pl-...) of the gateway endpoint: the destination of security group rules for table traffic."
  value       = aws_vpc_endpoint.dynamodb.prefix_list_id
}

output "flow_log_group_name" {
  description = "Log group of the VPC flow logs, or null when they are off."
  value       = var.enable_flow_logs ? aws_cloudwatch_log_group.flow[0].name : null
}

output "endpoint_services" {
  description = "AWS services reachable from the private subnets without a NAT gateway: the kind of their endpoint (Gateway or Interface), the zones it serves (a route table or a network interface in each), private DNS."
  value = merge(
    {
      dynamodb = { type = aws_vpc_endpoint.dynamodb.vpc_endpoint_type, zones = sort(keys(aws_route_table.private)), private_dns = false }
      s3       = { type = aws_vpc_endpoint.s3.vpc_endpoint_type, zones = sort(keys(aws_route_table.private)), private_dns = false }
    },
    { for s, e in aws_vpc_endpoint.interface : s => { type = e.vpc_endpoint_type, zones = local.azs, private_dns = e.private_dns_enabled } },
  )
}

output "nat_gateway_count" {
  description = "Number of NAT gateways (per_az: one per zone; single: 1; none: 0)."
  value       = length(aws_nat_gateway.this)
}

output "default_security_group_id" {
  description = "Id of the VPC's default security group (managed with no rules)."
  value       = aws_default_security_group.this.id
}
