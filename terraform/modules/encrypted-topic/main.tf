# An SNS topic encrypted with its own customer-managed KMS key (the callers
# keep their subscriptions, whose addresses predate this module). Used for the alerts topic (modules/alerts) and for the
# operations topic (modules/observability), so the key policy that lets
# CloudWatch alarms publish is written once.
#
# A customer-managed key, not alias/aws/sns: CloudWatch alarms publish to an
# encrypted topic only if the key policy lets cloudwatch.amazonaws.com use
# the key, and the policy of an AWS managed key cannot be changed (every
# alarm notification would be dropped without a trace). 1 USD a month per key.

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

  # Only for alarms of this account (confused-deputy guard).
  statement {
    sid       = "CloudWatchAlarmsPublishToTheTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.aws.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: ${var.key_description}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_sns_topic" "this" {
  name              = var.name
  display_name      = var.display_name
  kms_master_key_id = aws_kms_key.this.arn
}
