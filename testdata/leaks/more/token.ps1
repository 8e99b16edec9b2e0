$body = @{ grant_type="client_credentials"; client_id="3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm"; client_secret="EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248" }
Invoke-RestMethod -Method Post -Uri "https://acme.my.salesforce.com/services/oauth2/token" -Body $body
