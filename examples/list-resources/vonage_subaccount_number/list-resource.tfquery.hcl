# terraform query: the GB numbers the provider's subaccounts hold, to import them with
# -generate-config-out.
list "vonage_subaccount_number" "gb" {
  provider = vonage

  config {
    country = "GB"
  }
}
