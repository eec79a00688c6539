# The alerts topic (modules/encrypted-topic: SNS with its own KMS key) and
# who receives it:
#   - e-mail: every alert;
#   - SMS: the severities of sms_severities (filter on `severity`);
#   - escalation e-mail and SMS: only the notifications the application marks
#     `audience = "escalation"` (a critical alert nobody acknowledged within
#     ESCALATE_AFTER_MINUTES), so the people called last are not woken by
#     every warning.
#
# The application publishes each alert transition with the message
# attributes kind, severity, deviceId, transition (and audience on
# escalations).

module "topic" {
  source = "../encrypted-topic"

  name                     = "${var.name}-alerts"
  display_name             = "Fire/CO2 alerts (${var.name})"
  key_description          = "encrypts the alerts SNS topic"
  aws                      = var.aws
  kms_deletion_window_days = var.kms_deletion_window_days
}

# State written before the topic module existed.
moved {
  from = aws_kms_key.alerts
  to   = module.topic.aws_kms_key.this
}

moved {
  from = aws_kms_alias.alerts
  to   = module.topic.aws_kms_alias.this
}

moved {
  from = aws_sns_topic.alerts
  to   = module.topic.aws_sns_topic.this
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.email_addresses)

  topic_arn = module.topic.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "sms" {
  for_each = toset(var.sms_phone_numbers)

  topic_arn           = module.topic.arn
  protocol            = "sms"
  endpoint            = each.value
  filter_policy_scope = "MessageAttributes"
  filter_policy       = jsonencode({ severity = var.sms_severities })
}

resource "aws_sns_topic_subscription" "escalation" {
  for_each = merge(
    { for e in var.escalation_email_addresses : "email:${e}" => { protocol = "email", endpoint = e } },
    { for p in var.escalation_sms_phone_numbers : "sms:${p}" => { protocol = "sms", endpoint = p } },
  )

  topic_arn           = module.topic.arn
  protocol            = each.value.protocol
  endpoint            = each.value.endpoint
  filter_policy_scope = "MessageAttributes"
  filter_policy       = jsonencode({ audience = ["escalation"] })
}
