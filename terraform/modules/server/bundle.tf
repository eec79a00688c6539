# The server bundle (dist/server/server.mjs and its source map), in a
# private, versioned, encrypted bucket of its own. Instances fetch it at
# first boot and check its SHA-256 against the one in their boot script, so a
# new bundle means a new launch template version, hence an instance refresh.

locals {
  bucket_name = "${var.name}-bundle-${var.aws.account_id}-${var.aws.region}"
  bundle = {
    bundle = {
      key          = "server/server.mjs"
      source       = "${var.bundle_dir}/server.mjs"
      content_type = "text/javascript"
    }
    source_map = {
      key          = "server/server.mjs.map"
      source       = "${var.bundle_dir}/server.mjs.map"
      content_type = "application/json"
    }
  }
  # Guarded so that `terraform destroy` works without a build; the
  # precondition on the objects stops a plan that would deploy a missing file.
  bundle_sha256 = { for k, f in local.bundle : k => fileexists(f.source) ? filesha256(f.source) : "" }
  object_arns   = { for k, f in local.bundle : k => "arn:${var.aws.partition}:s3:::${local.bucket_name}/${f.key}" }
}

resource "aws_s3_bucket" "bundle" {
  bucket = local.bucket_name
  # Build artefacts only (rebuilt from the sources at will): a destroy may
  # empty the bucket, old versions included.
  force_destroy = true
}

resource "aws_s3_bucket_public_access_block" "bundle" {
  bucket = aws_s3_bucket.bundle.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "bundle" {
  bucket = aws_s3_bucket.bundle.id

  rule {
    object_ownership = "BucketOwnerEnforced" # no ACLs
  }
}

resource "aws_s3_bucket_versioning" "bundle" {
  bucket = aws_s3_bucket.bundle.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "bundle" {
  bucket = aws_s3_bucket.bundle.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256" # SSE-S3: nothing for the instance role to be granted on a key
    }
  }
}

# Previous bundles stay 30 days (to roll back by hand), then go.
resource "aws_s3_bucket_lifecycle_configuration" "bundle" {
  bucket = aws_s3_bucket.bundle.id

  rule {
    id     = "old-bundles"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.bundle]
}

data "aws_iam_policy_document" "bundle_bucket" {
  statement {
    sid     = "TlsOnly"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      "arn:${var.aws.partition}:s3:::${local.bucket_name}",
      "arn:${var.aws.partition}:s3:::${local.bucket_name}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "bundle" {
  bucket = aws_s3_bucket.bundle.id
  policy = data.aws_iam_policy_document.bundle_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.bundle]
}

resource "aws_s3_object" "bundle" {
  for_each = local.bundle

  bucket        = aws_s3_bucket.bundle.id
  key           = each.value.key
  source        = each.value.source
  source_hash   = local.bundle_sha256[each.key]
  content_type  = each.value.content_type
  cache_control = "no-cache"

  # Versioning and encryption first: the first version is already encrypted.
  depends_on = [aws_s3_bucket_versioning.bundle, aws_s3_bucket_server_side_encryption_configuration.bundle]

  lifecycle {
    precondition {
      condition     = fileexists(each.value.source)
      error_message = "${each.value.source} does not exist: run `npm run build` (make plan and make apply do), or point server_dist_dir at the built bundle."
    }
  }
}
