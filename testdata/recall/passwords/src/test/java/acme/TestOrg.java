package acme;

/** The CI test org: a refresh token for the API tests and the user's login for the UI tests. */
final class TestOrg {
    static final String REFRESH_TOKEN = "5Aep861gE745NfoarDEIlM_4.k7ACzrvkjy6H.BoJma5WuLKX.o2QXXNEp2vjaE3aGYotsElVvy8viBl.6zPkLJ";
    static final String USERNAME = "ci@acme.example";
    static final String PASSWORD = "Yq3vLm9wTz";
}
