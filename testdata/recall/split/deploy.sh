#!/bin/sh
# write the JWT key for the CI login
cat > server.key <<'EOF'
    -----BEGIN RSA PRIVATE KEY-----
    MIIEowQe2ihTNmtCQ/BdpNFAwLVzrIRFXwoRgRP6qvlklXM48KqsoLE6pX/fZ3R1
    ar6O0rxgQiH2J7YcXjdFaEzZaRJpjLggyFdg6nHZFZIXl2TrPki6UjkCadIT5MdS
    5a8D8Fc1UxgFrETkdKaweJ2emk2h1BgdTJL3lxINqUYKddpOd6AllmkQwOuDrBM4
    6q9et5LmbRDtz2e6pkn1c41kPPHcmILydfO+1PDYttUCXpxBCHGMGmcJTNM7hn2x
    EtLqVPMZKvpeBUYqZMHmmxYNVxL26Tww6IwwoRGP/7S2nkPUa6OrMNM6RS+J14kS
    0Un0hv4qlh8lcSgmTn/uvs4ORx+QgnyPTAmVERoBbOtIYfcEeSomYKIU4FfP051c
    M/S/C32xF/YImpE34qmtPIcijbaW1Us0MfatfPR39hQ+OS5eGdxSG8yyhCtmCp8v
    0gaxWr/FXtGigu0nPhGIdM58GBqFjai5acU4Aj7IjFYJJq/lp2+a6+Nd03MKp9lU
    Yh612cxS97UIJbAi3vQ/PGBgvtGJHdFNx5J3SGqeSeZ1lun2l4bJhbwp9EIaR5BK
    8sYfBC/lHJ0uNxc/qARLm/14pEZ3+PvcyV9JT00g==
    -----END RSA PRIVATE KEY-----
EOF
sf org login jwt --username ci@acme.example --jwt-key-file server.key --client-id "$SF_CLIENT_ID"

