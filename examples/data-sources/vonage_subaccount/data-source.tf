data "vonage_subaccount" "shop" {
  api_key = "bbe6222f"
}

output "shop_balance" {
  value = data.vonage_subaccount.shop.balance
}

# As the API shows it: zero or negative (-25 is 25 EUR of credit).
output "shop_credit_limit" {
  value = data.vonage_subaccount.shop.credit_limit
}
