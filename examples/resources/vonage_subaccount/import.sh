# The import ID is the subaccount's API key.
terraform import vonage_subaccount.team bbe6222f
