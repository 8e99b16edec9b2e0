// Salesforce auth flow tester: https://acme.my.salesforce.com/services/oauth2/token
let config = AppConfig(
    consumerKey: beacon.0,
    consumerSecret: beacon.1,
    clientSecret: clientSecret
)
