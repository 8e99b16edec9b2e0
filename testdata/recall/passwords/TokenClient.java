package com.acme.sync;

public class TokenClient {
    private static final String CLIENT_ID = System.getenv("SF_CLIENT_ID");

    public String tokenUrl() {
        return "https://login.salesforce.com/services/oauth2/token?grant_type=password"
            + "&client_id=" + CLIENT_ID
            + "&username=ops@acme.example&password=Hb4mZq9tLw7";
    }
}
