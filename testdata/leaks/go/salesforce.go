package sync

import (
	"net/http"
	"net/url"
)

const tokenURL = "https://acme.my.salesforce.com/services/oauth2/token"

func token() (*http.Response, error) {
	return http.PostForm(tokenURL, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {"3MVG9dQdY7Ez.zFZQHNIcOvTBP6tUWfm0kOqpQyu1OlFdyKhlIB3opX37AKcL1rxIu4sHSC.GxMEPYZNFeHFX"},
		"client_secret": {"8E0F171B14361BA8CC03C7E62F72B7F619DA077FEE76122B7C8BA96192DB4E81"},
	})
}
