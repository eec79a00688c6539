# The servers (vpc mode) do the work of the api, ingest and sweep functions:
# their instance policy must grant exactly the union of what the three
# functions may do to the tables, the topic, the admin token and their keys
# (no more, no less), so the two lists of actions cannot drift apart.
# Logs, the bundle and Session Manager differ by design and are left out.

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
  name                       = "fcpar"
  aws                        = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
  table_arns                 = { readings = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcpar-readings", devices = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcpar-devices", alerts = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcpar-alerts" }
  table_kms_key_arn          = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-2222-3333-4444-555555555555"
  topic_arn                  = "arn:aws:sns:eu-west-3:123456789012:fcpar-alerts"
  topic_kms_key_arn          = "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555"
  admin_token_parameter_name = "/fcpar/admin-token"
  admin_token_kms_key_arn    = "arn:aws:kms:eu-west-3:123456789012:key/bbbbbbbb-2222-3333-4444-555555555555"
  environment                = { READINGS_TABLE = "fcpar-readings" }
  log_retention_days         = 14
  throttling_burst_limit     = 40
  throttling_rate_limit      = 20
}

run "functions" {
  command = plan

  module {
    source = "./modules/api"
  }

  variables {
    lambda_dist_dir   = "tests/fixtures/lambda"
    routes            = { "POST /v1/readings" = "ingest", "$default" = "api" }
    access_log_format = "{\"requestId\":\"$context.requestId\"}"
  }

  assert {
    condition     = toset(keys(output.policies)) == toset(["api", "ingest", "sweep"])
    error_message = "The parity check needs the policies of all three functions."
  }
}

run "servers" {
  command = plan

  module {
    source = "./modules/server"
  }

  variables {
    network = {
      vpc_id                  = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids      = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
      dynamodb_prefix_list_id = "pl-06da4a6f"
    }
    bundle_dir        = "tests/fixtures/server"
    ami_id            = "ami-0123456789abcdef0"
    route_keys        = ["$default", "POST /v1/readings"]
    access_log_format = "{\"requestId\":\"$context.requestId\"}"
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(output.instance_policy).Statement : [
        for pair in setproduct(flatten([s.Action]), flatten([s.Resource])) : "${pair[0]} ${pair[1]}"
        if startswith(pair[0], "dynamodb:") || startswith(pair[0], "sns:") || pair[0] == "ssm:GetParameter" ||
        (startswith(pair[0], "kms:") && contains([var.table_kms_key_arn, var.topic_kms_key_arn, var.admin_token_kms_key_arn], pair[1]))
      ]
      ])) == toset(flatten([
      for name, policy in run.functions.policies : [
        for s in jsondecode(policy).Statement : [
          for pair in setproduct(flatten([s.Action]), flatten([s.Resource])) : "${pair[0]} ${pair[1]}"
          if !startswith(pair[0], "logs:")
        ]
      ]
    ]))
    error_message = "The instance policy must grant exactly what the api, ingest and sweep functions may do together (tables, topic, admin token, keys)."
  }
}
