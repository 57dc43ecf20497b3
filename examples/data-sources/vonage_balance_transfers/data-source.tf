# Every balance transfer of January 2026 to or from one subaccount, newest first.
data "vonage_balance_transfers" "january" {
  start_date = "2026-01-01T00:00:00Z"
  end_date   = "2026-01-31T23:59:59Z"
  subaccount = "bbe6222f"
}

output "january_total_eur" {
  value = sum(concat([0], [for t in data.vonage_balance_transfers.january.transfers : t.amount]))
}
