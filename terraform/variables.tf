# ---------------------------------------------------------------------------
# Stack
# ---------------------------------------------------------------------------

variable "name" {
  description = "Stack name: prefix of every resource name, so that several stacks coexist in one account. Lowercase letters, digits and hyphens, 3 to 20 characters, starting with a letter."
  type        = string
  default     = "fireco2"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 3 to 20 characters of lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen."
  }
}

variable "mode" {
  description = "How the API runs: \"serverless\" (API Gateway HTTP API + Lambda) or \"vpc\" (the server variant in a VPC)."
  type        = string
  default     = "serverless"

  validation {
    condition     = contains(["serverless", "vpc"], var.mode)
    error_message = "mode must be \"serverless\" or \"vpc\"."
  }
}

variable "region" {
  description = "AWS region of the stack; null = the region of the environment (AWS_REGION or the profile's)."
  type        = string
  default     = null

  validation {
    condition     = var.region == null ? true : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be a region name such as eu-west-3."
  }
}

variable "tags" {
  description = "Extra tags for every resource (Project, Stack and Mode are always set)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "Tag keys must be 1 to 128 characters and not start with \"aws:\"; values at most 256 characters."
  }
}

# ---------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------

variable "readings_table_class" {
  description = "Table class of the readings table: STANDARD or STANDARD_INFREQUENT_ACCESS (cheaper storage, dearer requests; at the defaults of docs/performance.md it is a wash, it pays with a longer retention)."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "STANDARD_INFREQUENT_ACCESS"], var.readings_table_class)
    error_message = "readings_table_class must be STANDARD or STANDARD_INFREQUENT_ACCESS."
  }
}

variable "dynamodb_provisioned_capacity" {
  description = "null (default): on-demand tables. Otherwise fixed provisioned capacity per table, e.g. { readings = { read = 5, write = 20 }, devices = { read = 5, write = 5 }, alerts = { read = 2, write = 2 } }: cheaper for flat traffic, a backlog burst above it is throttled and retried by the boards (alerts from it come later). Sizing: docs/performance.md."
  type = map(object({
    read  = number
    write = number
  }))
  default = null

  validation {
    condition     = var.dynamodb_provisioned_capacity == null ? true : length(setsubtract(keys(var.dynamodb_provisioned_capacity), ["readings", "devices", "alerts"])) == 0 && length(keys(var.dynamodb_provisioned_capacity)) == 3
    error_message = "dynamodb_provisioned_capacity must give exactly the tables readings, devices and alerts."
  }

  validation {
    condition     = var.dynamodb_provisioned_capacity == null ? true : alltrue([for t in values(var.dynamodb_provisioned_capacity) : t.read >= 1 && t.write >= 1 && floor(t.read) == t.read && floor(t.write) == t.write])
    error_message = "dynamodb_provisioned_capacity: read and write must be whole numbers of capacity units, at least 1."
  }
}

variable "table_kms_key_arn" {
  description = "Customer-managed KMS key ARN for the DynamoDB tables; null = the AWS owned key (DynamoDB's default)."
  type        = string
  default     = null

  validation {
    condition     = var.table_kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.table_kms_key_arn))
    error_message = "table_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "deletion_protection" {
  description = "Protect the DynamoDB tables against deletion. Turn off only for throw-away test stacks (and before `make destroy`)."
  type        = bool
  default     = true
}

variable "retention_days" {
  description = "Days a reading (and a resolved alert) is kept before DynamoDB's TTL deletes it; also the oldest `ts` ingest accepts."
  type        = number
  default     = 90

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 3650 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number from 1 to 3650."
  }
}

# ---------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------

variable "alert_emails" {
  description = "E-mail addresses that receive every alert notification (each confirms its subscription once)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Each entry of alert_emails must be an e-mail address such as name@example.org."
  }
}

variable "alert_sms_numbers" {
  description = "Phone numbers in E.164 format (+33612345678) that receive alerts of the severities in sms_severities by SMS."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.alert_sms_numbers : can(regex("^\\+[1-9][0-9]{6,14}$", p))])
    error_message = "Each entry of alert_sms_numbers must be in E.164 format: +, country code and number, digits only (e.g. +33612345678)."
  }
}

variable "sms_severities" {
  description = "Severities that go out by SMS (filter on the `severity` message attribute)."
  type        = list(string)
  default     = ["critical"]

  validation {
    condition     = length(var.sms_severities) > 0 && alltrue([for s in var.sms_severities : contains(["warning", "critical"], s)])
    error_message = "sms_severities must be a non-empty list of \"warning\" and/or \"critical\"."
  }
}

variable "notification_language" {
  description = "Language of the notification texts: en or fr."
  type        = string
  default     = "en"

  validation {
    condition     = contains(["en", "fr"], var.notification_language)
    error_message = "notification_language must be \"en\" or \"fr\"."
  }
}

variable "reminder_minutes" {
  description = "Minutes between reminders of an active, unacknowledged critical alert; 0 = no reminders."
  type        = number
  default     = 30

  validation {
    condition     = var.reminder_minutes >= 0 && var.reminder_minutes <= 1440 && floor(var.reminder_minutes) == var.reminder_minutes
    error_message = "reminder_minutes must be a whole number from 0 (off) to 1440."
  }
}

variable "offline_after_seconds" {
  description = "Seconds without a reading after which a device is offline. thresholds.offlineAfterSeconds, when given, takes precedence."
  type        = number
  default     = 600

  validation {
    condition     = var.offline_after_seconds >= 60 && var.offline_after_seconds <= 604800 && floor(var.offline_after_seconds) == var.offline_after_seconds
    error_message = "offline_after_seconds must be a whole number from 60 to 604800 (one week)."
  }
}

variable "thresholds" {
  description = "Deployment-wide alert thresholds, the contract's `thresholds` object; any subset, the rest falls back to the contract's defaults. {} = the defaults. Same limits as src/domain/thresholds.ts."
  type = object({
    co2 = optional(object({
      warning  = optional(number)
      critical = optional(number)
      clear    = optional(number)
    }))
    heat = optional(object({
      critical      = optional(number)
      risePerMinute = optional(number)
      clear         = optional(number)
    }))
    smoke = optional(object({
      critical = optional(number)
      clear    = optional(number)
    }))
    offlineAfterSeconds = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for v in [
        try(var.thresholds.co2.warning, null), try(var.thresholds.co2.critical, null), try(var.thresholds.co2.clear, null),
      ] : v == null ? true : (v >= 0 && v <= 100000)
    ])
    error_message = "thresholds.co2 levels must be between 0 and 100000 ppm."
  }

  validation {
    condition = alltrue([
      for v in [try(var.thresholds.heat.critical, null), try(var.thresholds.heat.clear, null)] :
      v == null ? true : (v >= -55 && v <= 150)
    ]) && (try(var.thresholds.heat.risePerMinute, null) == null ? true : (var.thresholds.heat.risePerMinute >= 0.1 && var.thresholds.heat.risePerMinute <= 100))
    error_message = "thresholds.heat levels must be between -55 and 150 degrees Celsius, and risePerMinute between 0.1 and 100."
  }

  validation {
    condition = alltrue([
      for v in [try(var.thresholds.smoke.critical, null), try(var.thresholds.smoke.clear, null)] :
      v == null ? true : (v >= 0 && v <= 1)
    ])
    error_message = "thresholds.smoke levels must be fractions between 0 and 1."
  }

  validation {
    condition     = try(var.thresholds.offlineAfterSeconds, null) == null ? true : (var.thresholds.offlineAfterSeconds >= 60 && var.thresholds.offlineAfterSeconds <= 604800 && floor(var.thresholds.offlineAfterSeconds) == var.thresholds.offlineAfterSeconds)
    error_message = "thresholds.offlineAfterSeconds must be a whole number of seconds from 60 to 604800 (one week)."
  }

  validation {
    # A clear level must stay below its raise level, after falling back to
    # the contract's defaults for the levels not given.
    condition = (
      coalesce(try(var.thresholds.co2.clear, null), 900) < coalesce(try(var.thresholds.co2.warning, null), 1000) &&
      coalesce(try(var.thresholds.co2.warning, null), 1000) <= coalesce(try(var.thresholds.co2.critical, null), 5000) &&
      coalesce(try(var.thresholds.heat.clear, null), 50) < coalesce(try(var.thresholds.heat.critical, null), 57) &&
      coalesce(try(var.thresholds.smoke.clear, null), 0.30) < coalesce(try(var.thresholds.smoke.critical, null), 0.35)
    )
    error_message = "In thresholds, each clear level must be below its raise level (co2.clear < co2.warning <= co2.critical, heat.clear < heat.critical, smoke.clear < smoke.critical), counting the contract's defaults for levels not given."
  }
}

# ---------------------------------------------------------------------------
# API and functions
# ---------------------------------------------------------------------------

variable "public_read" {
  description = "Open the read routes (devices, readings, alerts) to anyone without a token. Writes always need a token."
  type        = bool
  default     = false
}

variable "admin_token_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the admin token, created by you before the first apply; null = /<name>/admin-token. Terraform never reads its value."
  type        = string
  default     = null

  validation {
    condition     = var.admin_token_parameter_name == null ? true : can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.admin_token_parameter_name))
    error_message = "admin_token_parameter_name must be an SSM parameter name such as /fireco2/admin-token."
  }
}

variable "admin_token_kms_key_arn" {
  description = "KMS key ARN that encrypts the admin token parameter; null = the AWS managed key alias/aws/ssm (the default of `aws ssm put-parameter --type SecureString`)."
  type        = string
  default     = null

  validation {
    condition     = var.admin_token_kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.admin_token_kms_key_arn))
    error_message = "admin_token_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "enable_read_token" {
  description = "Accept read tokens: the read routes only (devices, readings, alerts, silences), e.g. for a wall screen, without public_read. They are read from the SSM SecureString read_token_parameter_name, created by you like the admin token (one token, or up to 5 separated by commas) and encrypted with the admin token's key (admin_token_kms_key_arn). false = no read token."
  type        = bool
  default     = false
}

variable "read_token_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the read token(s) when enable_read_token is true; null = /<name>/read-token. Terraform never reads its value."
  type        = string
  default     = null

  validation {
    condition     = var.read_token_parameter_name == null ? true : can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.read_token_parameter_name))
    error_message = "read_token_parameter_name must be an SSM parameter name such as /fireco2/read-token."
  }

  validation {
    condition     = var.read_token_parameter_name == null || var.enable_read_token
    error_message = "read_token_parameter_name is only used with enable_read_token = true: set it, or remove read_token_parameter_name."
  }

  validation {
    # One parameter for both would make every read token an admin token.
    condition     = trimprefix(coalesce(var.read_token_parameter_name, "/${var.name}/read-token"), "/") != trimprefix(coalesce(var.admin_token_parameter_name, "/${var.name}/admin-token"), "/")
    error_message = "read_token_parameter_name must not be the admin token's parameter."
  }
}

variable "lambda_dist_dir" {
  description = "Directory holding api.zip, ingest.zip and sweep.zip built by `npm run build`; null = dist/lambda at the repository root."
  type        = string
  default     = null
}

variable "lambda_system_log_level" {
  description = "null (default): Lambda's text log format with its START/END/REPORT lines. DEBUG, INFO or WARN: the JSON log format with Lambda's own lines kept from that level up; WARN saves about 390 B of logs an invocation (serverless mode; docs/performance.md)."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_system_log_level == null ? true : contains(["DEBUG", "INFO", "WARN"], var.lambda_system_log_level)
    error_message = "lambda_system_log_level must be null, DEBUG, INFO or WARN."
  }
}

variable "lambda_memory_size" {
  description = "Memory of each Lambda function, in MB (CPU grows with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the `api` and `ingest` functions, in seconds (API Gateway answers 503 after 30 s)."
  type        = number
  default     = 29

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 30 && floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds
    error_message = "lambda_timeout_seconds must be a whole number from 1 to 30."
  }
}

variable "sweep_timeout_seconds" {
  description = "Timeout of the `sweep` function, in seconds."
  type        = number
  default     = 50

  validation {
    condition     = var.sweep_timeout_seconds >= 1 && var.sweep_timeout_seconds <= 900 && floor(var.sweep_timeout_seconds) == var.sweep_timeout_seconds
    error_message = "sweep_timeout_seconds must be a whole number from 1 to 900."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency per function, e.g. { ingest = 20 }; null or an absent entry = unreserved (the account's shared pool)."
  type = object({
    api    = optional(number)
    ingest = optional(number)
    sweep  = optional(number)
    web    = optional(number)
  })
  default = null

  validation {
    condition = var.lambda_reserved_concurrency == null ? true : alltrue([
      for v in values(var.lambda_reserved_concurrency) : v == null ? true : (v >= 0 && floor(v) == v)
    ])
    error_message = "Each reserved concurrency must be a whole number, 0 or more (0 stops the function)."
  }
}

variable "sweep_schedule" {
  description = "EventBridge schedule expression of the `sweep` function (offline detection, pending notifications, reminders)."
  type        = string
  default     = "rate(1 minute)"

  validation {
    condition     = can(regex("^(rate\\((1 (minute|hour|day)|[1-9][0-9]* (minutes|hours|days))\\)|cron\\([^)]+\\))$", var.sweep_schedule)) && !can(regex("^rate\\(1 (minutes|hours|days)\\)$", var.sweep_schedule))
    error_message = "sweep_schedule must be rate(1 minute), rate(N minutes|hours|days) or cron(...)."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups (functions, API access log, flow logs), in days; one of the values CloudWatch Logs allows."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_level" {
  description = "POWERTOOLS_LOG_LEVEL of the functions."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch metrics namespace of the functions (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "FireCO2"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1 to 255 characters of letters, digits and . _ / # : - and not start with AWS/."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst limit (requests) of the HTTP API's default route settings."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 5000 && floor(var.api_throttling_burst_limit) == var.api_throttling_burst_limit
    error_message = "api_throttling_burst_limit must be a whole number from 1 to 5000."
  }
}

variable "api_throttling_rate_limit" {
  description = "Steady-state rate limit (requests per second) of the HTTP API's default route settings."
  type        = number
  default     = 50

  validation {
    condition     = var.api_throttling_rate_limit > 0 && var.api_throttling_rate_limit <= 10000
    error_message = "api_throttling_rate_limit must be above 0 and at most 10000 requests per second."
  }
}

variable "readings_throttling_burst_limit" {
  description = "Burst limit (requests) of POST /v1/readings, the boards' upload: its own budget, so that a flood on the other routes cannot crowd out the boards (both modes)."
  type        = number
  default     = 200

  validation {
    condition     = var.readings_throttling_burst_limit >= 1 && var.readings_throttling_burst_limit <= 5000 && floor(var.readings_throttling_burst_limit) == var.readings_throttling_burst_limit
    error_message = "readings_throttling_burst_limit must be a whole number from 1 to 5000."
  }
}

variable "readings_throttling_rate_limit" {
  description = "Steady-state rate limit (requests per second) of POST /v1/readings. A board uploads once per upload_interval_seconds (at once on an alarm): 100/s serves about 30000 boards at the default 300 s."
  type        = number
  default     = 100

  validation {
    condition     = var.readings_throttling_rate_limit > 0 && var.readings_throttling_rate_limit <= 10000
    error_message = "readings_throttling_rate_limit must be above 0 and at most 10000 requests per second."
  }
}

# ---------------------------------------------------------------------------
# Network (mode = "vpc")
# ---------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC (a /16 to /24 network address)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0] && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)
    error_message = "vpc_cidr must be an IPv4 network address with a /16 to /24 prefix, e.g. 10.40.0.0/16."
  }
}

variable "availability_zones" {
  description = "Availability zone names of the region, in order of preference; the first az_count are used (vpc mode)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-[a-z0-9]+)+[a-z]$", az))])
    error_message = "Each availability zone must be a zone name such as eu-west-3a."
  }
}

variable "az_count" {
  description = "Number of availability zones the VPC spans (1 to 4)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 4 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 1 to 4."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each computed subnet (4: a /16 VPC gets /20 subnets)."
  type        = number
  default     = 4

  validation {
    condition     = var.subnet_newbits >= 3 && var.subnet_newbits <= 8 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "subnet_newbits must be a whole number from 3 to 8."
  }
}

variable "subnet_cidrs" {
  description = "Explicit subnet CIDRs ({ public = [...], private = [...] }, az_count of each, in zone order); null = computed from vpc_cidr."
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
  description = "NAT gateways of the private subnets. The alert path never needs one (VPC endpoints reach every AWS service the servers call); a NAT carries only Session Manager and any non-AWS destination. \"per_az\": one per zone (about 33 USD a month each plus data), survives the loss of a zone; \"single\": one for all (cheaper; Session Manager is lost with its zone); \"none\": no internet access at all from the private subnets (cheapest; no Session Manager)."
  type        = string
  default     = "per_az"

  validation {
    condition     = contains(["per_az", "single", "none"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"per_az\", \"single\" or \"none\"."
  }
}

variable "enable_flow_logs" {
  description = "Record VPC flow logs (all traffic) in CloudWatch Logs, kept log_retention_days."
  type        = bool
  default     = false
}
