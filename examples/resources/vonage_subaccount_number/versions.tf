terraform {
  required_providers {
    vonage = {
      source = "vonage/vonage"
    }
  }
}
