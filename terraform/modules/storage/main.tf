# The three DynamoDB tables of the platform.
#
# `local.tables` mirrors src/adapters/dynamodb/tables.ts, the one definition
# of the tables: same keys, attributes and indexes. The drift test
# (terraform/tests/table-drift.test.ts) plans this module and fails when the
# two disagree, so change both together.

locals {
  tables = {
    # Readings packed per device and 5-minute bucket (sort key
    # "<bucket start ms>#<sub-bucket>"): a Query in key order is time order.
    readings = {
      hash_key       = "deviceId"
      range_key      = "bucket"
      attributes     = { deviceId = "S", bucket = "S" }
      local_indexes  = []
      global_indexes = []
      ttl_attribute  = "expiresAt"
    }
    # One item per device (sk = "device": record, latest, alert state, outbox)
    # and the directory (deviceId = "#directory", sk = device id) for listing.
    devices = {
      hash_key       = "deviceId"
      range_key      = "sk"
      attributes     = { deviceId = "S", sk = "S" }
      local_indexes  = []
      global_indexes = []
      ttl_attribute  = null
    }
    # One item per alert; GSIs list alerts by status or by device, newest first.
    alerts = {
      hash_key      = "alertId"
      range_key     = null
      attributes    = { alertId = "S", status = "S", deviceId = "S", raisedKey = "S" }
      local_indexes = []
      global_indexes = [
        { name = "byStatus", hash_key = "status", range_key = "raisedKey" },
        { name = "byDevice", hash_key = "deviceId", range_key = "raisedKey" },
      ]
      ttl_attribute = "expiresAt"
    }
  }
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name                        = "${var.name}-${each.key}"
  billing_mode                = var.provisioned_capacity == null ? "PAY_PER_REQUEST" : "PROVISIONED"
  read_capacity               = try(var.provisioned_capacity[each.key].read, null)
  write_capacity              = try(var.provisioned_capacity[each.key].write, null)
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection
  # Only the readings table holds enough bytes for Standard-IA's cheaper
  # storage to outweigh its dearer requests; the others stay Standard (which
  # the plan shows as null: the provider treats the two alike).
  table_class = each.key == "readings" ? var.readings_table_class : "STANDARD"

  dynamic "attribute" {
    for_each = each.value.attributes
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "local_secondary_index" {
    for_each = each.value.local_indexes
    content {
      name            = local_secondary_index.value.name
      range_key       = local_secondary_index.value.range_key
      projection_type = "ALL"
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.global_indexes
    content {
      name            = global_secondary_index.value.name
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"
      # Every write to the table writes its indexes too: they get the table's capacity.
      read_capacity  = try(var.provisioned_capacity[each.key].read, null)
      write_capacity = try(var.provisioned_capacity[each.key].write, null)
    }
  }

  # Items carry an epoch-seconds `expiresAt` (retention); devices never expire.
  ttl {
    attribute_name = each.value.ttl_attribute
    enabled        = each.value.ttl_attribute != null
  }

  point_in_time_recovery {
    enabled = true
  }

  # DynamoDB always encrypts at rest. enabled = false selects the AWS owned
  # key; enabled = true with a key ARN selects that customer-managed key.
  server_side_encryption {
    enabled     = var.kms_key_arn != null
    kms_key_arn = var.kms_key_arn
  }
}
