# The storage module on its own, planned with the real provider. (Keys and
# indexes are held to src/adapters/dynamodb/tables.ts by table-drift.test.ts.)

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
  name = "fcstore"
  aws  = { partition = "aws", region = "eu-west-3", account_id = "123456789012" }
}

run "tables_are_durable_by_default" {
  command = plan

  module {
    source = "./modules/storage"
  }

  assert {
    condition     = jsonencode(sort([for t in aws_dynamodb_table.this : t.name])) == jsonencode(["fcstore-alerts", "fcstore-devices", "fcstore-readings"])
    error_message = "Three tables: <name>-readings, <name>-devices, <name>-alerts."
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : t.billing_mode == "PAY_PER_REQUEST"])
    error_message = "Tables are on-demand."
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : t.point_in_time_recovery[0].enabled])
    error_message = "Point-in-time recovery is on for every table."
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : t.deletion_protection_enabled])
    error_message = "Deletion protection is on by default."
  }

  assert {
    # DynamoDB encrypts every table; enabled = false selects the AWS owned key.
    condition     = alltrue([for t in aws_dynamodb_table.this : length(t.server_side_encryption) == 1 && !t.server_side_encryption[0].enabled])
    error_message = "Without a CMK the tables use the AWS owned key."
  }

  assert {
    condition = (
      aws_dynamodb_table.this["readings"].ttl[0].attribute_name == "expiresAt" && aws_dynamodb_table.this["readings"].ttl[0].enabled &&
      aws_dynamodb_table.this["alerts"].ttl[0].attribute_name == "expiresAt" && aws_dynamodb_table.this["alerts"].ttl[0].enabled &&
      !aws_dynamodb_table.this["devices"].ttl[0].enabled
    )
    error_message = "TTL on expiresAt for readings and alerts; none for devices."
  }

  assert {
    condition     = jsonencode(output.table_arns) == jsonencode({ alerts = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcstore-alerts", devices = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcstore-devices", readings = "arn:aws:dynamodb:eu-west-3:123456789012:table/fcstore-readings" })
    error_message = "Table ARNs are known at plan time."
  }
}

run "customer_managed_key_and_test_stack" {
  command = plan

  module {
    source = "./modules/storage"
  }

  variables {
    kms_key_arn         = "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000001"
    deletion_protection = false
  }

  assert {
    condition = alltrue([
      for t in aws_dynamodb_table.this :
      t.server_side_encryption[0].enabled && t.server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-3:123456789012:key/aaaaaaaa-0000-0000-0000-000000000001"
    ])
    error_message = "With kms_key_arn, every table is encrypted with that key."
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : !t.deletion_protection_enabled])
    error_message = "deletion_protection = false turns the protection off."
  }
}
