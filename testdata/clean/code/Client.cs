// Salesforce token client
var form = new Dictionary<string, string> {
    { "grant_type", "client_credentials" },
    { "client_secret", configuration["Salesforce:ClientSecret"] },
};
var tokenUrl = "https://acme.my.salesforce.com/services/oauth2/token";
Password = "<password>";
