provider "salesforce" {
  client_id     = "3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm"
  client_secret = "7513047454207447032"
  url           = "https://acme.my.salesforce.com"
}
