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

  validation {
    condition     = try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0] && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)
    error_message = "vpc_cidr must be an IPv4 CIDR block from /16 to /24, e.g. 10.40.0.0/16."
  }
}

variable "availability_zones" {
  description = "Availability zone names to use, in order (the first az_count are used), e.g. [\"eu-west-3a\", \"eu-west-3b\"]."
  type        = list(string)

  validation {
    condition     = alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-[a-z0-9]+)+[a-z]$", az))])
    error_message = "Each availability zone must be a zone name such as eu-west-3a."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread the subnets over (1 to 4)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 4 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 1 to 4."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each computed subnet (4 turns a /16 into /20 subnets)."
  type        = number
  default     = 4

  validation {
    condition     = var.subnet_newbits >= 3 && var.subnet_newbits <= 8 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "subnet_newbits must be a whole number from 3 to 8."
  }
}

variable "subnet_cidrs" {
  description = "Explicit subnet CIDRs, one per availability zone in each list; null = computed with cidrsubnet from vpc_cidr."
  type = object({
    public  = list(string)
    private = list(string)
  })
  default = null

  validation {
    condition     = var.subnet_cidrs == null ? true : alltrue([for c in concat(var.subnet_cidrs.public, var.subnet_cidrs.private) : try(cidrhost(c, 0) == split("/", c)[0], false)])
    error_message = "Each subnet CIDR must be an IPv4 network address with its prefix, e.g. 10.40.0.0/20."
  }

  validation {
    # Two blocks overlap exactly when they agree on the bits of the shorter prefix.
    condition = var.subnet_cidrs == null ? true : !anytrue(flatten([
      for i, a in concat(var.subnet_cidrs.public, var.subnet_cidrs.private) : [
        for j, b in concat(var.subnet_cidrs.public, var.subnet_cidrs.private) :
        j > i && try(
          cidrhost("${cidrhost(a, 0)}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0) ==
          cidrhost("${cidrhost(b, 0)}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0),
          false
        )
      ]
    ]))
    error_message = "The subnet CIDRs overlap: every public and private subnet needs its own address range."
  }
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
