terraform {
  # The top-up below is a Terraform action: Terraform 1.14 or later.
  required_version = ">= 1.14"
  required_providers {
    vonage = {
      source = "vonage/vonage"
    }
  }
}
