# The account's SMS settings are a singleton: one per API key.
resource "vonage_account_settings" "this" {
  # Default webhook for inbound SMS. Vonage checks that the URL answers 200 OK before saving it.
  mo_callback_url = "https://example.com/webhooks/inbound-sms"
  # Default webhook for delivery receipts.
  dr_callback_url = "https://example.com/webhooks/delivery-receipt"
  # One of GET_QUERY_PARAMS, POST_QUERY_PARAMS, POST_JSON.
  http_forward_method = "POST_JSON"

  timeouts {
    update = "2m"
  }
}

output "max_calls_per_second" {
  value = vonage_account_settings.this.max_calls_per_second
}
