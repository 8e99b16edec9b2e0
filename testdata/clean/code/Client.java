package com.acme.salesforce;
public class SalesforceClient {
    private static final String TOKEN_URL = "https://login.salesforce.com/services/oauth2/token";
    @JsonProperty("client_secret") private String clientSecret;
    private String password;
    public SalesforceClient(String clientSecret, String password) {
        this.clientSecret = clientSecret;
        this.password = password;
        form.add("grant_type", "password");
        form.add("client_secret", clientSecret);
        form.add("password", password + securityToken);
        form.add("password", config.getPassword());
        String cs = System.getenv("SF_CLIENT_SECRET");
    }
}
