# The instance role: what the api, ingest and sweep functions may do
# together (the servers do all three jobs), plus fetching the bundle,
# shipping their logs and answering Session Manager. One inline policy, no
# wildcard action; ARNs built from names so that `terraform plan` shows it
# in full (output instance_policy).

locals {
  arn_prefix = {
    ssm = "arn:${var.aws.partition}:ssm:${var.aws.region}:${var.aws.account_id}"
    kms = "arn:${var.aws.partition}:kms:${var.aws.region}:${var.aws.account_id}"
  }

  index = {
    readings_by_time = "${var.table_arns.readings}/index/byTime"
    alerts_all       = ["${var.table_arns.alerts}/index/byStatus", "${var.table_arns.alerts}/index/byDevice"]
  }

  admin_token_parameter_arn = "${local.arn_prefix.ssm}:parameter/${trimprefix(var.admin_token_parameter_name, "/")}"
  # As in the api module: with the AWS managed key alias/aws/ssm the key id
  # is not known without an API call; the statement is narrowed to SSM and to
  # this one parameter by its conditions.
  admin_token_kms_resource = coalesce(var.admin_token_kms_key_arn, "${local.arn_prefix.kms}:key/*")
}

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "instance" {
  # ingest: PutItem stores a reading once (conditional put), GetItem fetches
  # the stored version of a duplicate; ingest and api query readings.
  statement {
    sid       = "Readings"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = [var.table_arns.readings]
  }

  statement {
    sid       = "ReadingsByTime"
    actions   = ["dynamodb:Query"]
    resources = [local.index.readings_by_time]
  }

  # api (devices), ingest (alert state), sweep (Scan for offline boards).
  statement {
    sid       = "DevicesAndAlertState"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:Scan"]
    resources = [var.table_arns.devices]
  }

  statement {
    sid       = "Alerts"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = [var.table_arns.alerts]
  }

  statement {
    sid       = "ListAlerts"
    actions   = ["dynamodb:Query"]
    resources = local.index.alerts_all
  }

  statement {
    sid       = "Notify"
    actions   = ["sns:Publish"]
    resources = [var.topic_arn]
  }

  dynamic "statement" {
    for_each = var.table_kms_key_arn == null ? [] : [var.table_kms_key_arn]
    content {
      sid       = "TablesKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["dynamodb.${var.aws.region}.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "TopicKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.topic_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${var.aws.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadAdminToken"
    actions   = ["ssm:GetParameter"]
    resources = [local.admin_token_parameter_arn]
  }

  statement {
    sid       = "DecryptAdminToken"
    actions   = ["kms:Decrypt"]
    resources = [local.admin_token_kms_resource]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.${var.aws.region}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:PARAMETER_ARN"
      values   = [local.admin_token_parameter_arn]
    }
  }

  # The bundle and its source map, nothing else of the bucket (SSE-S3: no key to grant).
  statement {
    sid       = "FetchBundle"
    actions   = ["s3:GetObject"]
    resources = values(local.object_arns)
  }

  # The CloudWatch agent writes the service's output to its own group (which
  # Terraform creates, so the agent needs no CreateLogGroup); the agent
  # names its streams, hence ":*".
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  # Session Manager, and only that (instead of the managed policy
  # AmazonSSMManagedInstanceCore, whose ssm:GetParameter on "*" would let the
  # instances read every parameter of the account). These actions have no
  # resource to name: "*" is the only possible resource.
  statement {
    sid = "SessionManager"
    actions = [
      "ssm:UpdateInstanceInformation",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "instance" {
  name               = local.server_name
  description        = "Instances of the ${var.name} server variant"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

resource "aws_iam_role_policy" "instance" {
  name   = "least-privilege"
  role   = aws_iam_role.instance.id
  policy = data.aws_iam_policy_document.instance.json
}

resource "aws_iam_instance_profile" "instance" {
  name = local.server_name
  role = aws_iam_role.instance.name
}

# Every AWS service the servers call, and how a VPC without NAT reaches it
# (modules/network creates these endpoints; tests/zone_failure.tftest.hcl
# holds the two together, and tests/server.tftest.hcl holds this list to the
# actions of the instance policy). KMS is only used through DynamoDB, SNS and
# SSM (kms:ViaService). Session Manager's ssmmessages channel is operator
# access, not the alert path: it goes through a NAT gateway.
locals {
  aws_services = {
    dynamodb = "Gateway"   # readings, devices, alerts
    s3       = "Gateway"   # the bundle; Amazon Linux's package repositories at boot
    sns      = "Interface" # alert notifications
    ssm      = "Interface" # the admin token; Session Manager registration
    logs     = "Interface" # the CloudWatch agent: the service's log and EMF lines
  }
}
