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
