# The application's permissions, said once: what the api, ingest and sweep
# code may do to the tables, the topic, the admin and read tokens and their keys.
# modules/api gives each function its role's statements; modules/server
# gives the instances (which do all three jobs) their union. Logs, the
# bundle and Session Manager are the callers' own.
#
# ARNs are built from names so that every policy is known, and shown in
# full, at plan time.

locals {
  ssm_prefix = "arn:${var.aws.partition}:ssm:${var.aws.region}:${var.aws.account_id}"
  kms_prefix = "arn:${var.aws.partition}:kms:${var.aws.region}:${var.aws.account_id}"

  table = var.table_arns
  # Index ARNs are <table arn>/index/<name> (names from tables.ts).
  index = {
    alerts_all = ["${var.table_arns.alerts}/index/byStatus", "${var.table_arns.alerts}/index/byDevice"]
  }

  admin_token_parameter_arn = "${local.ssm_prefix}:parameter/${trimprefix(var.admin_token_parameter_name, "/")}"
  # With the AWS managed key alias/aws/ssm the key id is not known without an
  # API call; the statement is narrowed to SSM and to this one parameter by
  # its conditions (kms:ViaService, kms:EncryptionContext:PARAMETER_ARN).
  admin_token_kms_resource = coalesce(var.admin_token_kms_key_arn, "${local.kms_prefix}:key/*")

  # The read tokens' parameter (optional) is encrypted with the same key,
  # and granted on the same terms: that one parameter, through SSM only.
  read_token_parameter_arn = var.read_token_parameter_name == null ? null : "${local.ssm_prefix}:parameter/${trimprefix(var.read_token_parameter_name, "/")}"
  read_token = local.read_token_parameter_arn == null ? [] : [
    { sid = "ReadReadToken", actions = ["ssm:GetParameter"], resources = [local.read_token_parameter_arn], conditions = [] },
    {
      sid       = "DecryptReadToken"
      actions   = ["kms:Decrypt"]
      resources = [local.admin_token_kms_resource]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["ssm.${var.aws.region}.amazonaws.com"] },
        { test = "StringEquals", variable = "kms:EncryptionContext:PARAMETER_ARN", values = [local.read_token_parameter_arn] },
      ]
    },
  ]

  # The front door's origin secret (modules/front-door), read by the HTTP
  # code (api and ingest), encrypted with alias/aws/ssm.
  front_door_secret_parameter_arn = var.front_door_secret_parameter_name == null ? null : "${local.ssm_prefix}:parameter/${trimprefix(var.front_door_secret_parameter_name, "/")}"
  front_door_secret = var.front_door_secret_parameter_name == null ? [] : [
    { sid = "ReadFrontDoorSecret", actions = ["ssm:GetParameter"], resources = [local.front_door_secret_parameter_arn], conditions = [] },
    {
      sid       = "DecryptFrontDoorSecret"
      actions   = ["kms:Decrypt"]
      resources = ["${local.kms_prefix}:key/*"]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["ssm.${var.aws.region}.amazonaws.com"] },
        { test = "StringEquals", variable = "kms:EncryptionContext:PARAMETER_ARN", values = [local.front_door_secret_parameter_arn] },
      ]
    },
  ]

  via = {
    dynamodb = [{ test = "StringEquals", variable = "kms:ViaService", values = ["dynamodb.${var.aws.region}.amazonaws.com"] }]
    sns      = [{ test = "StringEquals", variable = "kms:ViaService", values = ["sns.${var.aws.region}.amazonaws.com"] }]
  }

  tables_key = var.table_kms_key_arn == null ? [] : [
    { sid = "TablesKey", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = [var.table_kms_key_arn], conditions = local.via.dynamodb },
  ]
  notify = [
    { sid = "Notify", actions = ["sns:Publish"], resources = [var.topic_arn], conditions = [] },
    { sid = "TopicKey", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = [var.topic_kms_key_arn], conditions = local.via.sns },
  ]

  statements = {
    # UpdateItem stores a batch per bucket (if_not_exists per reading) and
    # marks a late hour's roll-up dirty (ADD v, REMOVE agg, SET expiresAt);
    # GetItem reads a full sub-bucket's duplicates (reading-store.ts). The
    # device item holds the alert state (one conditional write per post).
    # Delivery checks silences (alerts table, byStatus index).
    ingest = concat([
      { sid = "StoreReadings", actions = ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources = [local.table.readings], conditions = [] },
      { sid = "DevicesAndAlertState", actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], resources = [local.table.devices], conditions = [] },
      { sid = "Alerts", actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources = [local.table.alerts], conditions = [] },
      { sid = "ListAlerts", actions = ["dynamodb:Query"], resources = local.index.alerts_all, conditions = [] },
    ], local.tables_key, local.notify, local.front_door_secret)

    api = concat([
      # BatchGetItem: a page of the device directory (devices.listPage).
      { sid = "Devices", actions = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"], resources = [local.table.devices], conditions = [] },
      # BatchGetItem: whole bucket items whose kept summary is stale (aggregates).
      { sid = "ReadReadings", actions = ["dynamodb:BatchGetItem", "dynamodb:Query"], resources = [local.table.readings], conditions = [] },
      # Keeping a bucket's summary (attribute agg, conditional on sizeEstimate) and an hour's roll-up (item
      # h<hour>: agg and its TTL expiresAt, conditional on the version v): those attributes only, never a reading.
      { sid = "KeepReadingSummaries", actions = ["dynamodb:UpdateItem"], resources = [local.table.readings], conditions = [
        { test = "ForAllValues:StringEquals", variable = "dynamodb:Attributes", values = ["agg", "bucket", "deviceId", "expiresAt", "sizeEstimate", "v"] },
      ] },
      # PutItem: a new silence (alerts table, silence#<id>).
      { sid = "AlertItems", actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], resources = [local.table.alerts], conditions = [] },
      { sid = "ListAlerts", actions = ["dynamodb:Query"], resources = local.index.alerts_all, conditions = [] },
      ], local.tables_key, [
      { sid = "ReadAdminToken", actions = ["ssm:GetParameter"], resources = [local.admin_token_parameter_arn], conditions = [] },
      {
        sid       = "DecryptAdminToken"
        actions   = ["kms:Decrypt"]
        resources = [local.admin_token_kms_resource]
        conditions = [
          { test = "StringEquals", variable = "kms:ViaService", values = ["ssm.${var.aws.region}.amazonaws.com"] },
          { test = "StringEquals", variable = "kms:EncryptionContext:PARAMETER_ARN", values = [local.admin_token_parameter_arn] },
        ]
      },
    ], local.read_token, local.front_door_secret)

    # PutItem: raising `offline` on a board whose readings were never
    # evaluated creates its alert-state item (alertStates.commit, version 0).
    sweep = concat([
      { sid = "DevicesAndAlertState", actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"], resources = [local.table.devices], conditions = [] },
      { sid = "AlertItems", actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], resources = [local.table.alerts], conditions = [] },
      { sid = "ListAlerts", actions = ["dynamodb:Query"], resources = local.index.alerts_all, conditions = [] },
    ], local.tables_key, local.notify)
  }
}

locals {
  # The union for the servers: statements on the same resources with the
  # same conditions are merged (their actions joined), so the instance policy
  # grants exactly what the three functions may do together, no more.
  all_statements = flatten([for role in ["api", "ingest", "sweep"] : local.statements[role]])
  grouped        = { for st in local.all_statements : jsonencode([sort(st.resources), st.conditions]) => st... }
  union = [for key in sort(keys(local.grouped)) : {
    sid        = local.grouped[key][0].sid
    actions    = sort(distinct(flatten([for st in local.grouped[key] : st.actions])))
    resources  = local.grouped[key][0].resources
    conditions = local.grouped[key][0].conditions
  }]
}
