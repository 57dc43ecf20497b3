terraform {
  required_providers {
    vonage = {
      source = "vonage/vonage"
    }
  }
}

variable "vonage_api_key" {
  type        = string
  description = "Vonage API key. Leave null to use the VONAGE_API_KEY environment variable."
  default     = null
}

variable "vonage_api_secret" {
  type        = string
  description = "Vonage API secret. Leave null to use the VONAGE_API_SECRET environment variable."
  sensitive   = true
  default     = null
}

provider "vonage" {
  # Each argument falls back to an environment variable when unset:
  #   api_key    <- VONAGE_API_KEY
  #   api_secret <- VONAGE_API_SECRET
  #   api_url    <- VONAGE_API_URL  (default https://api.nexmo.com)
  #   rest_url   <- VONAGE_REST_URL (default https://rest.nexmo.com)
  #   api_secret_id <- VONAGE_API_SECRET_ID (optional: the id of the secret above, which
  #                    Terraform then refuses to destroy or replace)
  # Keep the secret out of .tf files: prefer the environment variable.
  api_key    = var.vonage_api_key
  api_secret = var.vonage_api_secret

  # Optional tuning; the values shown are the defaults.
  retry_max_seconds       = 90
  request_timeout_seconds = 30
  rate_limit_per_second   = 30
}
