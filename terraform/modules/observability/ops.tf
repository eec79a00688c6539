# The operations topic: alarms about the platform itself, for the people who
# run it (not the people in the rooms: those get the alerts topic).
#
# Encrypted with its own customer-managed key (modules/encrypted-topic, as
# the alerts topic). Not the alerts topic's key: the operators' key can be
# rotated, disabled or given other administrators without touching the path
# of the fire alerts. It costs 1 USD a month.

module "ops_topic" {
  source = "../encrypted-topic"

  name                     = local.ops_topic_name
  display_name             = "Fire/CO2 platform alarms (${var.name})"
  key_description          = "encrypts the operations SNS topic (platform alarms)"
  aws                      = var.aws
  kms_deletion_window_days = var.kms_deletion_window_days
}

# State written before the topic module existed.
moved {
  from = aws_kms_key.ops
  to   = module.ops_topic.aws_kms_key.this
}

moved {
  from = aws_kms_alias.ops
  to   = module.ops_topic.aws_kms_alias.this
}

moved {
  from = aws_sns_topic.ops
  to   = module.ops_topic.aws_sns_topic.this
}

resource "aws_sns_topic_subscription" "ops_email" {
  for_each = toset(var.ops_emails)

  topic_arn = module.ops_topic.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "ops_sms" {
  for_each = toset(var.ops_sms_numbers)

  topic_arn = module.ops_topic.arn
  protocol  = "sms"
  endpoint  = each.value
}
