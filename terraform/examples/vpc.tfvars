# VPC mode: the same API, tables and alerts as serverless mode, served by
# the server variant: instances in the private subnets of a VPC (NAT,
# DynamoDB gateway endpoint), behind an internal load balancer and an API
# Gateway HTTP API (docs/server-variant.md). It costs money at rest (NAT
# gateway, load balancer, instances): see the doc before choosing it.
#
# Copy this file (e.g. to terraform/examples/my-site.local.tfvars, which git
# ignores), edit, then:
#   make plan  MODE=vpc TFVARS=terraform/examples/my-site.local.tfvars
# Every variable is described in terraform/variables.tf (the servers': variables-server.tf).

mode   = "vpc"
name   = "fireco2-vpc"
region = "eu-west-3"

alert_emails      = ["safety-team@example.org"]
alert_sms_numbers = []
sms_severities    = ["critical"]

# Called once when a critical alert stays unacknowledged escalate_after_minutes
# (and only then: filter audience = escalation). Not also in the lists above.
escalation_emails      = ["direction@example.org"]
escalation_sms_numbers = []
escalate_after_minutes = 10

# Required: who is told when the platform itself breaks (SMS spend near the
# limit at which SNS stops sending SMS, sweep not running, notifications
# failing or late). Without it those alarms reach nobody.
ops_emails            = ["ops@example.org"]
ops_sms_numbers       = []
latency_alarm_seconds = 30

notification_language   = "en"
thresholds_preset       = "default" # or "fr-erp"
upload_interval_seconds = 300
occupied_hours          = "Mon-Fri 08:00-18:00"
timezone                = "Europe/Paris"
emergency_number        = "112"
retention_days          = 90

admin_token_parameter_name = "/fireco2-vpc/admin-token"

# Network. Zone names come from you (list them with
# `aws ec2 describe-availability-zones --query 'AvailabilityZones[].ZoneName'`).
availability_zones = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
az_count           = 2
vpc_cidr           = "10.40.0.0/16"
nat_gateway_mode   = "per_az" # one per zone; "single" saves ~33 USD/month per zone (only Session Manager is lost with its zone; alerts use the VPC endpoints), "none" has no internet at all
enable_flow_logs   = true

# Servers: arm64 (Graviton) instances, 2 to 4, scaled on average CPU.
server_instance_type = "t4g.small"
server_min_size      = 2
server_max_size      = 4
server_cpu_target    = 60
# server_ami_id = "ami-..." # pins the image; unset = the current Amazon Linux 2023 arm64 image at each plan

log_retention_days  = 30
deletion_protection = true

# Per-client limits in front of the API (CloudFront + AWS WAF, about 7 USD a
# month + 1.60 USD per million requests); api_url then becomes its URL.
enable_front_door = false

tags = {
  Owner = "facilities"
}
