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
