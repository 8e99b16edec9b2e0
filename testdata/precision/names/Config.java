// Salesforce connection properties (grant_type=password at /services/oauth2/token)
public final class Config {
    public static final String SECURITY_TOKEN = "securityToken";
    public static final String OAUTH_CLIENTSECRET = "sfdc.oauth." + OAUTH_PARTIAL_CLIENTSECRET;
}
