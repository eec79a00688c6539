# The server variant of the platform (mode = "vpc"): the same HTTP API as
# the serverless stack, served by the same application running as a Node
# server on instances in the VPC's private subnets.
#
#   board -> HTTPS -> API Gateway HTTP API ($default stage, the contract's
#   routes, throttling, access log)      http_api.tf
#     -> VPC link -> internal Application Load Balancer (private subnets)
#                                        load_balancer.tf
#     -> Auto Scaling group of instances (private subnets), each running
#        dist/server/server.mjs as the hardened systemd service
#        firemon-server                  instances.tf, templates/
#     -> DynamoDB (gateway endpoint), SNS, SSM (through the NAT)
#
# The bundle reaches the instances through a private S3 bucket (bundle.tf);
# the instance role (iam.tf) may do what the api, ingest and sweep functions
# may do together, and no more. Security groups: security_groups.tf.

locals {
  # Names and ARNs built from names, so that the policy and the boot script
  # are known, and shown in full, at plan time.
  server_name    = "${var.name}-server"
  log_group_name = "/firemon/${var.name}/server"
  log_group_arn  = "arn:${var.aws.partition}:logs:${var.aws.region}:${var.aws.account_id}:log-group:${local.log_group_name}"

  # On the instances.
  service_name = "firemon-server"
  service_user = "firemon"
  app_dir      = "/opt/firemon"
  env_file     = "/etc/firemon/server.env"
  log_file     = "/var/log/firemon/server.log"

  ami_id = var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.ami[0].insecure_value

  # The service's environment: the application's settings exactly as the
  # functions get them, plus what only a server needs.
  service_environment = merge(var.environment, {
    PORT                   = tostring(var.app_port)
    HOST                   = "0.0.0.0"
    SWEEP_INTERVAL_SECONDS = tostring(var.sweep_interval_seconds)
    # The AWS SDK for JavaScript does not read the region from the instance metadata.
    AWS_REGION = var.aws.region
  })
}

# The current Amazon Linux 2023 arm64 image, unless ami_id pins one.
data "aws_ssm_parameter" "ami" {
  count = var.ami_id == null ? 1 : 0

  name = var.ami_parameter_name
}

# The provider's default tags, for what default_tags does not reach: the
# instances and volumes the Auto Scaling group launches, and the group itself.
data "aws_default_tags" "current" {}

# The service's output (JSON log lines and EMF metric lines) and the boot
# log, shipped by the CloudWatch agent. CloudWatch turns the EMF lines into
# metrics, as it does for the functions' log groups.
resource "aws_cloudwatch_log_group" "server" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
}
