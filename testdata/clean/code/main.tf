provider "salesforce" {
  client_id     = var.sf_client_id
  client_secret = var.sf_client_secret
}
