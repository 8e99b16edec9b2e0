#!/bin/sh
sf org login jwt --client-id "$SF_CLIENT_ID" --jwt-key-file config/server.key --username ci@acme.example
