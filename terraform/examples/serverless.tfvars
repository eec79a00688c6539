# Serverless mode: API Gateway HTTP API -> Lambda -> DynamoDB, alerts by SNS.
#
# Copy this file (e.g. to terraform/examples/my-site.local.tfvars, which git
# ignores), change the name, region and recipients, then:
#   make plan  TFVARS=terraform/examples/my-site.local.tfvars
#   make apply TFVARS=terraform/examples/my-site.local.tfvars
# Every variable is described in terraform/variables.tf.

mode   = "serverless"
name   = "fireco2"
region = "eu-west-3"

# Who is told. E-mail gets every alert; SMS only the severities listed.
alert_emails      = ["safety-team@example.org"]
alert_sms_numbers = ["+33639980000"] # a number reserved for fiction: put real ones here
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

# Application settings (reach every function as environment variables).
notification_language   = "en"
thresholds_preset       = "default" # or "fr-erp"
upload_interval_seconds = 300
occupied_hours          = "Mon-Fri 08:00-18:00"
timezone                = "Europe/Paris"
emergency_number        = "112"
public_read             = false
retention_days          = 90
reminder_minutes        = 30
offline_after_seconds   = 600
thresholds              = {} # the contract's defaults; e.g. { co2 = { warning = 1200, clear = 1000 } }

# The admin token: create this SecureString before the first apply (see
# docs/terraform.md). Terraform only knows its name.
admin_token_parameter_name = "/fireco2/admin-token"

# Operations.
log_retention_days         = 30
api_throttling_burst_limit = 100
api_throttling_rate_limit  = 50
deletion_protection        = true

# Per-client limits in front of the API (CloudFront + AWS WAF, about 7 USD a
# month + 1.60 USD per million requests); api_url then becomes its URL.
enable_front_door = false

tags = {
  Owner = "facilities"
}
