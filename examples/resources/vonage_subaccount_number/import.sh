# The import ID is the holding subaccount's API key and the number's digits.
terraform import vonage_subaccount_number.support bbe6222f/447700900123
