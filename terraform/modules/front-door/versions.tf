# The one requirement of the root and of every module (each modules/*/versions.tf
# is a copy of this file; terraform/tests/layout.test.ts holds them equal).
# 1.9: variable validations that refer to other variables.
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
      # The web ACL of a CloudFront distribution lives in us-east-1.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
