object SalesforceAuth {
    val clientSecret = "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248"
    val tokenUrl = "https://login.salesforce.com/services/oauth2/token"
}
