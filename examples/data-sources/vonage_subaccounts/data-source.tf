data "vonage_subaccounts" "all" {}

output "subaccount_names" {
  value = [for s in data.vonage_subaccounts.all.subaccounts : s.name]
}

output "total_balance" {
  value = data.vonage_subaccounts.all.total_balance
}
