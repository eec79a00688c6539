# VPC mode: the same tables and alerts, the API served by the server variant
# inside a VPC (public and private subnets, NAT, DynamoDB gateway endpoint).
#
# The server variant itself is a later step: for now this mode creates the
# network, the tables, the alerts topic and the sweep function, and no HTTP API.
#
# Copy this file (e.g. to terraform/examples/my-site.local.tfvars, which git
# ignores), edit, then:
#   make plan  MODE=vpc TFVARS=terraform/examples/my-site.local.tfvars
# Every variable is described in terraform/variables.tf.

mode   = "vpc"
name   = "fireco2-vpc"
region = "eu-west-3"

alert_emails      = ["safety-team@example.org"]
alert_sms_numbers = []
sms_severities    = ["critical"]

notification_language = "en"
retention_days        = 90

admin_token_parameter_name = "/fireco2-vpc/admin-token"

# Network. Zone names come from you (list them with
# `aws ec2 describe-availability-zones --query 'AvailabilityZones[].ZoneName'`).
availability_zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
az_count           = 2
vpc_cidr           = "10.40.0.0/16"
nat_gateway_mode   = "single" # "per_az" survives the loss of a zone, at one NAT gateway per zone
enable_flow_logs   = true

log_retention_days  = 30
deletion_protection = true

tags = {
  Owner = "facilities"
}
