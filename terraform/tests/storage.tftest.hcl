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
    condition     = alltrue([for t in aws_dynamodb_table.this : coalesce(t.table_class, "STANDARD") == "STANDARD"])
    error_message = "Tables are in the Standard class by default."
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

# The leanest documented configuration (docs/performance.md): Standard-IA for
# the readings, fixed provisioned capacity everywhere, indexes included.
run "provisioned_capacity_and_infrequent_access" {
  command = plan

  module {
    source = "./modules/storage"
  }

  variables {
    readings_table_class = "STANDARD_INFREQUENT_ACCESS"
    provisioned_capacity = {
      readings = { read = 5, write = 20 }
      devices  = { read = 4, write = 6 }
      alerts   = { read = 2, write = 3 }
    }
  }

  assert {
    condition = (
      aws_dynamodb_table.this["readings"].table_class == "STANDARD_INFREQUENT_ACCESS" &&
      coalesce(aws_dynamodb_table.this["devices"].table_class, "STANDARD") == "STANDARD" && coalesce(aws_dynamodb_table.this["alerts"].table_class, "STANDARD") == "STANDARD"
    )
    error_message = "readings_table_class applies to the readings table only."
  }

  assert {
    condition = alltrue([for t in aws_dynamodb_table.this : t.billing_mode == "PROVISIONED"]) && (
      aws_dynamodb_table.this["readings"].read_capacity == 5 && aws_dynamodb_table.this["readings"].write_capacity == 20 &&
      aws_dynamodb_table.this["devices"].read_capacity == 4 && aws_dynamodb_table.this["devices"].write_capacity == 6 &&
      aws_dynamodb_table.this["alerts"].read_capacity == 2 && aws_dynamodb_table.this["alerts"].write_capacity == 3
    )
    error_message = "provisioned_capacity makes every table PROVISIONED with its own read and write units."
  }

  assert {
    condition     = length(aws_dynamodb_table.this["alerts"].global_secondary_index) == 2 && alltrue([for i in aws_dynamodb_table.this["alerts"].global_secondary_index : i.read_capacity == 2 && i.write_capacity == 3])
    error_message = "The alerts table's indexes get the table's capacity (each write to the table writes them too)."
  }

  assert {
    condition     = alltrue([for t in aws_dynamodb_table.this : t.point_in_time_recovery[0].enabled])
    error_message = "PITR stays on in the leanest configuration."
  }
}
