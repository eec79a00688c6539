# Variables of the server variant (mode = "vpc"; ignored in serverless mode).
# The application's settings are not here: the servers get the same ones as
# the functions (local.app_environment, main.tf).

variable "server_dist_dir" {
  description = "Directory holding server.mjs and server.mjs.map built by `node build.mjs server` (vpc mode); null = dist/server at the repository root."
  type        = string
  default     = null
}

variable "server_instance_type" {
  description = "EC2 instance type of the servers: an arm64 (Graviton) type, since they run Amazon Linux 2023 for arm64."
  type        = string
  default     = "t4g.small"

  validation {
    condition     = can(regex("^[a-z]+[0-9]+g[a-z]*\\.(nano|micro|small|medium|large|[0-9]*xlarge|metal)$", var.server_instance_type))
    error_message = "server_instance_type must be an arm64 (Graviton) instance type such as t4g.small, m7g.large or c7g.xlarge."
  }
}

variable "server_min_size" {
  description = "Fewest servers running (at least 1; 2 or more to survive the loss of an instance or a zone)."
  type        = number
  default     = 2

  validation {
    condition     = var.server_min_size >= 1 && var.server_min_size <= 20 && floor(var.server_min_size) == var.server_min_size && var.server_min_size <= var.server_max_size
    error_message = "server_min_size must be a whole number from 1 to 20, and at most server_max_size."
  }
}

variable "server_max_size" {
  description = "Most servers the CPU scaling policy may run."
  type        = number
  default     = 4

  validation {
    condition     = var.server_max_size >= 1 && var.server_max_size <= 20 && floor(var.server_max_size) == var.server_max_size
    error_message = "server_max_size must be a whole number from 1 to 20."
  }
}

variable "server_desired_capacity" {
  description = "Servers to run now; null = leave it to the scaling policy (server_min_size at creation). When set, every apply resets the group to it."
  type        = number
  default     = null

  validation {
    condition     = var.server_desired_capacity == null ? true : (floor(var.server_desired_capacity) == var.server_desired_capacity && var.server_desired_capacity >= var.server_min_size && var.server_desired_capacity <= var.server_max_size)
    error_message = "server_desired_capacity must be a whole number between server_min_size and server_max_size, or null."
  }
}

variable "server_cpu_target" {
  description = "Average CPU utilisation (percent) that the target-tracking scaling policy keeps the servers at."
  type        = number
  default     = 60

  validation {
    condition     = var.server_cpu_target >= 10 && var.server_cpu_target <= 90
    error_message = "server_cpu_target must be a percentage from 10 to 90."
  }
}

variable "server_ami_id" {
  description = "Image of the servers (Amazon Linux 2023, arm64). null = the current one, read at plan time from the public SSM parameter /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64 (a new image then rolls the servers at the next apply); set it to choose when the OS changes."
  type        = string
  default     = null

  validation {
    condition     = var.server_ami_id == null ? true : can(regex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$", var.server_ami_id))
    error_message = "server_ami_id must be an image id such as ami-0123456789abcdef0."
  }
}

variable "server_sweep_interval_seconds" {
  description = "Seconds between two sweeps (offline detection, pending notifications, reminders) on each server; every server sweeps, which is harmless (conditional writes)."
  type        = number
  default     = 60

  validation {
    condition     = var.server_sweep_interval_seconds >= 10 && var.server_sweep_interval_seconds <= 3600 && floor(var.server_sweep_interval_seconds) == var.server_sweep_interval_seconds
    error_message = "server_sweep_interval_seconds must be a whole number from 10 to 3600."
  }
}
