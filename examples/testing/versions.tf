terraform {
  # The module itself runs on any Terraform this provider supports; its sandbox tests declare variables in the
  # test file (tests/sandbox.tftest.hcl), which Terraform 1.13 introduced.
  required_version = ">= 1.13"

  required_providers {
    vonage = {
      source = "vonage/vonage"
    }
  }
}
