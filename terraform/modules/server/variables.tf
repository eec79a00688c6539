variable "name" {
  description = "Stack name, prefix of every resource name."
  type        = string
}

variable "aws" {
  description = "Partition, region and account id of the stack, used to build ARNs and names that are known at plan time."
  type = object({
    partition  = string
    region     = string
    account_id = string
  })
}

variable "network" {
  description = "Where the servers run: the VPC, its private subnets (one per zone, at least two: an Application Load Balancer needs two zones) and the prefix list of its DynamoDB gateway endpoint (outputs of the network module)."
  type = object({
    vpc_id                  = string
    private_subnet_ids      = list(string)
    dynamodb_prefix_list_id = string
  })
}

# ---------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------

variable "environment" {
  description = "The application's settings, exactly as the Lambda functions get them (the root module's app_environment). The module adds only PORT, HOST, SWEEP_INTERVAL_SECONDS and AWS_REGION."
  type        = map(string)

  validation {
    # The environment file is KEY='value' lines, read by systemd (and by a
    # shell): a value must not hold a quote, a backslash or a line break.
    condition     = alltrue([for k, v in var.environment : can(regex("^[A-Z_][A-Z0-9_]*$", k)) && !can(regex("['\\\\\\n\\r]", v))])
    error_message = "environment keys must be upper-case shell names, and values must not contain ', \\ or line breaks."
  }
}

variable "bundle_dir" {
  description = "Directory holding server.mjs and server.mjs.map (built by `node build.mjs server`, dist/server)."
  type        = string
}

variable "app_port" {
  description = "Port the server listens on, on each instance (PORT); only the load balancer reaches it."
  type        = number
  default     = 8080

  validation {
    condition     = var.app_port >= 1024 && var.app_port <= 65535 && floor(var.app_port) == var.app_port
    error_message = "app_port must be a whole number from 1024 to 65535 (the service has no capability to bind a privileged port)."
  }
}

variable "sweep_interval_seconds" {
  description = "Seconds between two runs of the sweep (offline detection, pending notifications, reminders) on each server (SWEEP_INTERVAL_SECONDS)."
  type        = number
  default     = 60
}

# ---------------------------------------------------------------------------
# What the instances may touch (ARNs for the instance role)
# ---------------------------------------------------------------------------

variable "table_arns" {
  description = "Table ARNs by logical name: readings, devices, alerts."
  type = object({
    readings = string
    devices  = string
    alerts   = string
  })
}

variable "table_kms_key_arn" {
  description = "Customer-managed KMS key of the tables, or null when they use the AWS owned key."
  type        = string
  default     = null
}

variable "topic_arn" {
  description = "ARN of the alerts SNS topic."
  type        = string
}

variable "topic_kms_key_arn" {
  description = "ARN of the alerts topic's customer-managed KMS key."
  type        = string
}

variable "admin_token_parameter_name" {
  description = "Name of the SSM SecureString parameter that holds the admin token (created out of band)."
  type        = string
}

variable "read_token_parameter_name" {
  description = "Name of the SSM SecureString parameter that holds the read tokens (created out of band, encrypted with the admin token's key), or null: no read token."
  type        = string
  default     = null
}

variable "admin_token_kms_key_arn" {
  description = "KMS key that encrypts the admin token parameter; null = the account's AWS managed key alias/aws/ssm."
  type        = string
  default     = null
}

variable "front_door_secret_parameter_name" {
  description = "SSM SecureString (alias/aws/ssm) holding the front door's origin secret, which the HTTP code reads; null = no front door."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------
# Instances and scaling
# ---------------------------------------------------------------------------

variable "ami_id" {
  description = "Image of the instances (Amazon Linux 2023, arm64); null = the current one, read from the public SSM parameter ami_parameter_name at plan time."
  type        = string
  default     = null
}

variable "ami_parameter_name" {
  description = "Public SSM parameter that names the current Amazon Linux 2023 arm64 image (used when ami_id is null)."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
}

variable "instance_type" {
  description = "EC2 instance type: an arm64 (Graviton) type, since the image is arm64."
  type        = string
  default     = "t4g.small"
}

variable "root_volume_size_gb" {
  description = "Size of each instance's root volume (gp3, encrypted), in GiB."
  type        = number
  default     = 8

  validation {
    condition     = var.root_volume_size_gb >= 8 && var.root_volume_size_gb <= 100 && floor(var.root_volume_size_gb) == var.root_volume_size_gb
    error_message = "root_volume_size_gb must be a whole number from 8 (the image's size) to 100."
  }
}

variable "min_size" {
  description = "Fewest instances in the Auto Scaling group."
  type        = number
  default     = 2
}

variable "max_size" {
  description = "Most instances in the Auto Scaling group."
  type        = number
  default     = 4
}

variable "desired_capacity" {
  description = "Instances to run now; null = leave it to the scaling policy (min_size at creation). When set, every apply resets the group to it."
  type        = number
  default     = null
}

variable "cpu_target" {
  description = "Average CPU utilisation (percent) the target-tracking policy keeps the group at."
  type        = number
  default     = 60
}

variable "health_check_grace_period_seconds" {
  description = "Seconds a new instance has to install its packages and start the service before failed health checks replace it."
  type        = number
  default     = 300
}

# ---------------------------------------------------------------------------
# The HTTP API in front (the same surface as serverless mode)
# ---------------------------------------------------------------------------

variable "route_keys" {
  description = "Route keys of the HTTP API (the api module's route_keys: the same surface in both modes)."
  type        = list(string)
}

variable "access_log_format" {
  description = "Format of the HTTP API access log lines (the api module's access_log_format)."
  type        = string
}

variable "throttling_burst_limit" {
  description = "Default route burst limit of the HTTP API stage (requests)."
  type        = number
  default     = 100
}

variable "throttling_rate_limit" {
  description = "Default route steady-state rate limit of the HTTP API stage (requests per second)."
  type        = number
  default     = 50
}

variable "log_retention_days" {
  description = "Retention of the server log group and the HTTP API access log group, in days."
  type        = number
  default     = 30
}

variable "readings_throttling_burst_limit" {
  description = "Burst limit (requests) of POST /v1/readings, apart from the other routes."
  type        = number
  default     = 200
}

variable "readings_throttling_rate_limit" {
  description = "Steady-state rate limit (requests per second) of POST /v1/readings, apart from the other routes."
  type        = number
  default     = 100
}
