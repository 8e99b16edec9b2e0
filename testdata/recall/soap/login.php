<?php
require_once 'soapclient/SforceEnterpriseClient.php';
$client = new SforceEnterpriseClient();
$client->createConnection('enterprise.wsdl.xml');
$client->login('ops@acme.example', 'Pq8wErt5fPHtU0exIBUbvtRLw3nDOwTH');
