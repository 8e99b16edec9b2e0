package com.acme.sync;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

public class SalesforceAuth {
    private static final String TOKEN_URI = "https://acme.my.salesforce.com/services/oauth2/token";

    MultiValueMap<String, String> form() {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("grant_type", "client_credentials");
        form.add("client_id", "3MVG9KKKO8NqOmXFjpzUuktrMTvcfeM.W7nafAfD3dXFq9fYVPHyUmvmwVcvFKXMhbzlEd4VvuzuYFl7iKCyZ");
        form.add("client_secret", "842FE6813762CC6E2B60F16DF5FCDA21E403D5484DCE989B75B939CB9985A759");
        return form;
    }
}
