# The instance role: what the api, ingest and sweep functions may do
# together (the servers do all three jobs), plus fetching the bundle,
# shipping their logs and answering Session Manager. One inline policy, no
# wildcard action; ARNs built from names so that `terraform plan` shows it
# in full (output instance_policy).

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

# What the api, ingest and sweep functions may do together, from the one
# module that says it (../app-permissions).
module "permissions" {
  source = "../app-permissions"

  aws                        = var.aws
  table_arns                 = var.table_arns
  table_kms_key_arn          = var.table_kms_key_arn
  topic_arn                  = var.topic_arn
  topic_kms_key_arn          = var.topic_kms_key_arn
  admin_token_parameter_name = var.admin_token_parameter_name
  admin_token_kms_key_arn    = var.admin_token_kms_key_arn
  read_token_parameter_name  = var.read_token_parameter_name

  front_door_secret_parameter_name = var.front_door_secret_parameter_name
}

data "aws_iam_policy_document" "instance" {
  dynamic "statement" {
    for_each = module.permissions.union
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
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
