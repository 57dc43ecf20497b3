# Quickstart: account settings, a write-only API secret and the balance, in one apply.
# Credentials come from the environment: VONAGE_API_KEY, VONAGE_API_SECRET (and VONAGE_API_URL /
# VONAGE_REST_URL to aim at another endpoint, such as the vonage-sandbox emulator).
# The new secret is passed in the environment too: TF_VAR_demo_secret.

variable "demo_secret" {
  type        = string
  description = "Value of the API secret to create: 8-25 characters with lower-case, upper-case and a digit."
  sensitive   = true
  ephemeral   = true
}

provider "vonage" {}

resource "vonage_account_settings" "this" {
  mo_callback_url = "https://example.com/webhooks/inbound-sms"
  dr_callback_url = "https://example.com/webhooks/delivery-receipt"
}

resource "vonage_api_secret" "demo" {
  secret_wo         = var.demo_secret
  secret_wo_version = 1
}

data "vonage_balance" "this" {}

output "balance" {
  value = data.vonage_balance.this.value
}

output "settings" {
  value = {
    mo_callback_url      = vonage_account_settings.this.mo_callback_url
    dr_callback_url      = vonage_account_settings.this.dr_callback_url
    max_calls_per_second = vonage_account_settings.this.max_calls_per_second
  }
}

output "secret_id" {
  value = vonage_api_secret.demo.id
}
