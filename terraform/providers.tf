# State is local by default (terraform/terraform.tfstate, git-ignored).
# To keep it in S3 instead, see docs/terraform.md ("Remote state").

provider "aws" {
  # null = the region of the environment (AWS_REGION, or the profile's).
  region = var.region

  # Every resource carries these tags; a user tag cannot override them.
  default_tags {
    tags = local.default_tags
  }
}

# AWS WAF for CloudFront (the front door's web ACL, scope CLOUDFRONT) exists
# in us-east-1 only, whatever the stack's region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}
