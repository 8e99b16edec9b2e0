package salesforce
type Config struct {
	ClientSecret string `json:"client_secret"`
}
var conf = oauth2.Config{
	ClientSecret: os.Getenv("SF_CLIENT_SECRET"),
	Endpoint:     oauth2.Endpoint{TokenURL: "https://login.salesforce.com/services/oauth2/token"},
}
var c2 = oauth2.Config{ClientSecret: cfg.ClientSecret}
