variable "name" {
  description = "Stack name, prefix of every resource name."
  type        = string
}

variable "aws" {
  description = "Partition, region and account id of the stack, plus the partition's reverse DNS prefix (com.amazonaws) for service names."
  type = object({
    partition          = string
    region             = string
    account_id         = string
    reverse_dns_prefix = string
  })
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC (a /16 to /24)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Availability zone names to use, in order (the first az_count are used), e.g. [\"eu-west-3a\", \"eu-west-3b\"]."
  type        = list(string)
}

variable "az_count" {
  description = "Number of availability zones to spread the subnets over (1 to 4)."
  type        = number
  default     = 2
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each computed subnet (4 turns a /16 into /20 subnets)."
  type        = number
  default     = 4
}

variable "subnet_cidrs" {
  description = "Explicit subnet CIDRs, one per availability zone in each list; null = computed with cidrsubnet from vpc_cidr."
  type = object({
    public  = list(string)
    private = list(string)
  })
  default = null
}

variable "nat_gateway_mode" {
  description = "`per_az`: one NAT gateway per availability zone; `single`: one for every private subnet (cheaper, internet access lost with its zone); `none`: no NAT (the servers reach AWS through the VPC endpoints only)."
  type        = string
  default     = "per_az"
}

variable "interface_endpoint_services" {
  description = "AWS services reached through interface endpoints (the last part of com.amazonaws.<region>.<service>); DynamoDB and S3 have gateway endpoints."
  type        = list(string)
  default     = ["sns", "ssm", "logs"]
}

variable "enable_flow_logs" {
  description = "Send VPC flow logs (all traffic) to a CloudWatch log group."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Retention of the flow log group, in days."
  type        = number
  default     = 30
}
