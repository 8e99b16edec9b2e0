using System.Collections.Generic;
using System.Net.Http;

public class SalesforceClient
{
    private const string LoginUrl = "https://login.salesforce.com/services/oauth2/token";

    public FormUrlEncodedContent Body() => new FormUrlEncodedContent(new[]
    {
        new KeyValuePair<string, string>("grant_type", "password"),
        new KeyValuePair<string, string>("client_id", "3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm"),
        new KeyValuePair<string, string>("client_secret", "8610506640643069177"),
        new KeyValuePair<string, string>("username", "api@acme.example"),
        new KeyValuePair<string, string>("password", "71ZVAtdzpSB787HBswWjorq3ntSG5HQh27IVMG"),
    });
}
