# Salesforce login: https://acme.my.salesforce.com/services/oauth2/token, grant_type=client_credentials
$clientSecret = Read-Host "Enter Client Secret"
$SfPassword = Read-Host -AsSecureString "Salesforce password"
