terraform {
  # 1.9: variable validations that refer to other variables (min_size <= max_size).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
