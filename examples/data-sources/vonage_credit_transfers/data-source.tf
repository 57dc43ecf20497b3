# Every credit allocation or return since the start of 2026, newest first.
data "vonage_credit_transfers" "this_year" {
  start_date = "2026-01-01T00:00:00+00:00"
}

output "latest_credit_transfer" {
  value = try(data.vonage_credit_transfers.this_year.transfers[0], null)
}
