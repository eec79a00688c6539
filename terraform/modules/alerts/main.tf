# The alerts topic: one SNS topic, encrypted with its own customer-managed
# KMS key, with e-mail subscriptions for every alert and SMS subscriptions
# filtered on the `severity` message attribute.
#
# The application publishes each alert transition with the message
# attributes kind, severity, deviceId and transition.

locals {
  topic_name = "${var.name}-alerts"
}

# A customer-managed key (not alias/aws/sns) because CloudWatch alarms can
# only publish to an encrypted topic whose key policy lets them use the key,
# and the key policy of an AWS managed key cannot be changed.
data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministersAndDelegatesToIam"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" means this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${var.aws.partition}:iam::${var.aws.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublishToTheTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "alerts" {
  description             = "${var.name}: encrypts the alerts SNS topic"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "alerts" {
  name          = "alias/${var.name}-alerts"
  target_key_id = aws_kms_key.alerts.key_id
}

resource "aws_sns_topic" "alerts" {
  name              = local.topic_name
  display_name      = "Fire/CO2 alerts (${var.name})"
  kms_master_key_id = aws_kms_key.alerts.arn
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.email_addresses)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "sms" {
  for_each = toset(var.sms_phone_numbers)

  topic_arn           = aws_sns_topic.alerts.arn
  protocol            = "sms"
  endpoint            = each.value
  filter_policy_scope = "MessageAttributes"
  filter_policy       = jsonencode({ severity = var.sms_severities })
}
