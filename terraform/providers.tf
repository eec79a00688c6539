provider "aws" {
  # null = the region of the environment (AWS_REGION, or the profile's).
  region = var.region

  # Every resource carries these tags; a user tag cannot override them.
  default_tags {
    tags = local.default_tags
  }
}
