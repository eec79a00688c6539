# modules/app-permissions: the one place the application's permissions are
# written. The functions' roles take each role's statements, the servers'
# role their union (replacing the old parity test between two lists).

provider "aws" {
  region                      = "eu-west-3"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "offline-test-not-a-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variables {
  aws                        = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
  table_arns                 = { readings = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcp-readings", devices = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcp-devices", alerts = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcp-alerts" }
  table_kms_key_arn          = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-2222-3333-4444-555555555555"
  topic_arn                  = "arn:aws:sns:eu-west-3:123456789012:fcp-alerts"
  topic_kms_key_arn          = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"
  admin_token_parameter_name = "/fcp/admin-token"
}

run "union_is_exactly_the_three_roles" {
  command = plan

  module {
    source = "./modules/app-permissions"
  }

  assert {
    # Every (action, resource, conditions) a function may use is in the
    # union, and the union has nothing else.
    condition = toset(flatten([
      for role, sts in output.statements : [for st in sts : [for a in st.actions : [for r in st.resources : jsonencode([a, r, st.conditions])]]]
      ])) == toset(flatten([
      for st in output.union : [for a in st.actions : [for r in st.resources : jsonencode([a, r, st.conditions])]]
    ]))
    error_message = "The servers' union must grant exactly what api, ingest and sweep may do together."
  }

  assert {
    condition     = length(distinct([for st in output.union : st.sid])) == length(output.union) && alltrue([for role, sts in output.statements : length(distinct([for st in sts : st.sid])) == length(sts)])
    error_message = "Statement ids must be unique within each policy."
  }

  assert {
    condition     = alltrue([for st in output.union : alltrue([for a in st.actions : !strcontains(a, "*")])])
    error_message = "No wildcard action."
  }
}

run "read_token_is_granted_to_api_alone_and_only_its_parameter" {
  command = plan

  module {
    source = "./modules/app-permissions"
  }

  variables {
    read_token_parameter_name = "/fcp/read-token"
  }

  assert {
    condition = jsonencode([for st in output.statements.api : st if contains(["ReadReadToken", "DecryptReadToken"], st.sid)]) == jsonencode([
      { sid = "ReadReadToken", actions = ["ssm:GetParameter"], resources = ["arn:aws:ssm:eu-west-3:123456789012:parameter/fcp/read-token"], conditions = [] },
      {
        sid       = "DecryptReadToken"
        actions   = ["kms:Decrypt"]
        resources = ["arn:aws:kms:eu-west-3:123456789012:key/*"]
        conditions = [
          { test = "StringEquals", variable = "kms:ViaService", values = ["ssm.eu-west-3.amazonaws.com"] },
          { test = "StringEquals", variable = "kms:EncryptionContext:PARAMETER_ARN", values = ["arn:aws:ssm:eu-west-3:123456789012:parameter/fcp/read-token"] },
        ]
      },
    ])
    error_message = "The api may read the read token parameter and decrypt it through SSM only, nothing else: ${jsonencode(output.statements.api)}"
  }

  assert {
    condition     = alltrue([for role in ["ingest", "sweep"] : length([for st in output.statements[role] : st if strcontains(st.sid, "Token")]) == 0])
    error_message = "ingest and sweep never read a token."
  }

  assert {
    condition     = length([for st in output.union : st if contains(["ReadReadToken", "DecryptReadToken"], st.sid)]) == 2
    error_message = "The servers (the union) may read the read token as the api does."
  }
}

run "no_read_token_no_grant" {
  command = plan

  module {
    source = "./modules/app-permissions"
  }

  assert {
    condition     = length([for st in output.union : st if strcontains(st.sid, "ReadToken")]) == 0
    error_message = "Without read_token_parameter_name nothing about a read token is granted."
  }
}
