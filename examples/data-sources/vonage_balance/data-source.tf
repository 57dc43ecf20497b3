# The balance changes all the time: read it with a data source, never store it in a resource.
data "vonage_balance" "this" {}

output "balance" {
  value = data.vonage_balance.this.value
}

output "auto_reload" {
  value = data.vonage_balance.this.auto_reload
}
