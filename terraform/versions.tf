terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # State is local by default (terraform/terraform.tfstate, git-ignored).
  # To keep it in S3 instead, see docs/terraform.md ("Remote state").
}
