# The operations topic: alarms about the platform itself, for the people who
# run it (not the people in the rooms: those get the alerts topic).
#
# Encrypted with its own customer-managed key. Not the AWS managed key
# alias/aws/sns: CloudWatch alarms publish to an encrypted topic only if the
# key policy lets cloudwatch.amazonaws.com use the key, and the policy of an
# AWS managed key cannot be changed, so every alarm notification would be
# dropped without a trace. Not the alerts topic's key either: this module
# stays self-contained (planned and tested on its own), and the operators'
# key can be rotated, disabled or given other administrators without
# touching the path of the fire alerts. It costs 1 USD a month.

data "aws_iam_policy_document" "ops_key" {
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

resource "aws_kms_key" "ops" {
  description             = "${var.name}: encrypts the operations SNS topic (platform alarms)"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.ops_key.json
}

resource "aws_kms_alias" "ops" {
  name          = "alias/${local.ops_topic_name}"
  target_key_id = aws_kms_key.ops.key_id
}

resource "aws_sns_topic" "ops" {
  name              = local.ops_topic_name
  display_name      = "Fire/CO2 platform alarms (${var.name})"
  kms_master_key_id = aws_kms_key.ops.arn
}

resource "aws_sns_topic_subscription" "ops_email" {
  for_each = toset(var.ops_emails)

  topic_arn = aws_sns_topic.ops.arn
  protocol  = "email"
  endpoint  = each.value
}
