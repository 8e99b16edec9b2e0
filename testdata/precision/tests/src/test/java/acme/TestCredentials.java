package acme;

/** Credentials of the CI test org. */
public class TestCredentials {
    public static final String LOGIN_URL = "https://acme-ci.my.salesforce.com";
    public static final String CLIENT_ID = "3MVG9SoNfG4XARi6f3h_R.UP8CuB1eRthezNvWx5LFIa5NyqNlQfwFdnjgHJAifW40yuCyQVC4EdQfJ1zkNB8";
    public static final String REFRESH_TOKEN = "5Aep861vv2XJcNZVZ_D8Ho3MVrfBZUPzjN48dpN5uCXEx1AUgrYVR2gHLsHHMEzv_r2GmWnrXOVc14hQRJZ16a8";
}
